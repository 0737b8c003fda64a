"""Checksums that tell real identifiers from random digits."""

from __future__ import annotations


def luhn(digits: str) -> bool:
    total, parity = 0, len(digits) % 2
    for index, char in enumerate(digits):
        value = int(char)
        if index % 2 == parity:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def siret(digits: str) -> bool:
    if len(digits) != 14:
        return False
    if digits.startswith("356000000"):  # La Poste establishments: digit sum divisible by 5
        return sum(int(c) for c in digits) % 5 == 0
    return luhn(digits)


def iban(value: str) -> bool:
    compact = value.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34 or not compact[:2].isalpha() or not compact[2:4].isdigit():
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(c, 36)) for c in rearranged)
    return int(number) % 97 == 1


def nir(value: str) -> bool:
    """French social-security number: 13 characters and a 2-digit key (Corsica: 2A/2B)."""
    compact = value.replace(" ", "").upper()
    if len(compact) != 15:
        return False
    body, key = compact[:13], compact[13:]
    body = body.replace("2A", "19", 1) if body[5:7] == "2A" else body
    body = body.replace("2B", "18", 1) if body[5:7] == "2B" else body
    if not body.isdigit() or not key.isdigit():
        return False
    return 97 - int(body) % 97 == int(key)
