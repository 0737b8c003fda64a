"""Pattern recognisers on text as people write it: obfuscated emails, phones in any format
and in words, amounts in words and from the sentence, SIRET against cards, postal addresses."""

from __future__ import annotations

import pytest

from sanitize.config import ENTITIES, Config
from sanitize.detect import get_detector
from sanitize.detect.numwords import runs
from sanitize.detect.patterns import RECOGNIZERS

# Pattern types only: no spaCy model is loaded by these tests.
PATTERNS = Config(entities=tuple(e for e in ENTITIES if e not in ("PERSON", "CLIENT")))


def found(text: str) -> list[tuple[str, str]]:
    return [(s.type, s.text) for s in get_detector(PATTERNS).scan([text], "fr")[0]]


def of_type(text: str, kind: str) -> list[str]:
    return [value for t, value in found(text) if t == kind]


def raw(text: str, kind: str) -> list[str]:
    """What the recognisers alone yield, before the detector resolves overlaps."""
    return sorted(
        text[h.start : h.end] for r in RECOGNIZERS.values() for h in r(text) if h.type == kind
    )


# -- EMAIL -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, email",
    [
        (
            "écris à lea.martin (at) orange (point) fr si besoin",
            "lea.martin (at) orange (point) fr",
        ),
        ("mail: jdoe AT proton DOT me", "jdoe AT proton DOT me"),
        ("prenom [at] domaine [dot] com", "prenom [at] domaine [dot] com"),
        ("nom arobase gmail point com", "nom arobase gmail point com"),
        ("contact chez exemple point fr pour tout", "contact chez exemple point fr"),
        ("write to jane {at} studio {dot} co {dot} uk", "jane {at} studio {dot} co {dot} uk"),
        ("ping me: sam.lee at fastmail dot com", "sam.lee at fastmail dot com"),
        ("plain jane.doe@gmail.com", "jane.doe@gmail.com"),
        ("m.dupont[@]atelier-dupont.fr", "m.dupont[@]atelier-dupont.fr"),
    ],
)
def test_obfuscated_emails(text: str, email: str) -> None:
    assert of_type(text, "EMAIL") == [email]


@pytest.mark.parametrize(
    "text",
    [
        "contact[@]...",
        "écrire à xxx@xxx",
        "modèle : xxx@xxx.com",
        "rendez-vous chez Paul point de rencontre habituel",
        "I'm at home. Dot com bubble",
        "meet me at noon, point taken",
        "on se voit chez Marie, point final",
    ],
)
def test_not_emails(text: str) -> None:
    assert of_type(text, "EMAIL") == []


# -- PHONE -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "phone",
    [
        "06 12 34 56 78",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "06/12/34/56/78",
        "0612345678",
        "+33 6 12 34 56 78",
        "+33 (0)6 12 34 56 78",
        "+33612345678",
        "0033 6 12 34 56 78",
        "07700 900123",
        "+44 7700 900456",
        "+44 (0) 20 7946 0958",
        "020 7946 0958",
        "(415) 555-0132",
        "415-555-0132",
        "415.555.0132",
        "+1 (415) 555-0132",
        "+1 514 555 0199",
        "202/626-2788",
        "+32 2 123 45 67",
        "0470 12 34 56",
        "+41 22 123 45 67",
        "022 123 45 67",
        "0 800 123 456",
    ],
)
def test_phones_any_separators(phone: str) -> None:
    assert of_type(f"Appelez-moi au {phone} demain.", "PHONE") == [phone]


def test_us_number_with_spaces_needs_a_phone_word() -> None:
    assert of_type("call 415 555 0132 today", "PHONE") == ["415 555 0132"]
    assert of_type("we counted 415 555 0132 items", "PHONE") == []


@pytest.mark.parametrize(
    "text",
    [
        "rendez-vous le 01/03/2025 à 14h",
        "ISBN 978-2-07-036822-8",
        "commande n° 0012345678 expédiée",
        "de 2019-2024 puis 2025",
        "budget 1 200 000 € sur 3 ans",
        "code 0123",
        "IBAN FR76 3000 6000 0112 3456 7890 189",
        "SIRET 732 829 320 00074",
        "le 12.03.2024 à 10.30",
        "+15 % de CA",
    ],
)
def test_not_phones(text: str) -> None:
    assert of_type(text, "PHONE") == []


@pytest.mark.parametrize(
    "text, phone",
    [
        (
            "Mon numéro : zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit.",
            "zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit",
        ),
        (
            "appelle le zéro sept douze quarante-cinq vingt-deux quatre-vingt-dix-neuf",
            "zéro sept douze quarante-cinq vingt-deux quatre-vingt-dix-neuf",
        ),
        (
            "ring me on oh seven seven double oh, nine hundred, one two three",
            "oh seven seven double oh, nine hundred, one two three",
        ),
        (
            "it's zero seven seven double oh nine hundred one two three",
            "zero seven seven double oh nine hundred one two three",
        ),
        (
            "depuis l'étranger : plus trente-trois six douze trente-quatre cinquante-six "
            "soixante-dix-huit",
            "plus trente-trois six douze trente-quatre cinquante-six soixante-dix-huit",
        ),
        (
            "+33 six douze trente-quatre cinquante-six soixante-dix-huit",
            "+33 six douze trente-quatre cinquante-six soixante-dix-huit",
        ),
        (
            "zéro un, quarante-deux, soixante-huit, cinquante-trois, zéro zéro",
            "zéro un, quarante-deux, soixante-huit, cinquante-trois, zéro zéro",
        ),
    ],
)
def test_phones_in_words(text: str, phone: str) -> None:
    assert of_type(text, "PHONE") == [phone]


@pytest.mark.parametrize(
    "text",
    [
        "one two three four five six seven eight nine ten",
        "il a vingt-deux ans et trois enfants",
        "Oh, one more thing: two or three people",
        "deux millions cinq cent mille visiteurs",
        "zéro faute, zéro retard",
        "nous étions douze, puis trente, puis cinquante",
    ],
)
def test_ordinary_number_words_are_not_phones(text: str) -> None:
    assert of_type(text, "PHONE") == []


def test_number_words_grammar() -> None:
    values = {
        "soixante-dix-huit": 78,
        "quatre-vingt-dix-neuf": 99,
        "quatre-vingts": 80,
        "soixante et onze": 71,
        "vingt et un": 21,
        "deux cent cinquante": 250,
        "trois mille": 3000,
        "deux millions cinq cent mille": 2_500_000,
        "one hundred and five": 105,
        "twelve hundred": 1200,
        "half a million": 500_000,
        "a quarter million": 250_000,
        "five grand": 5000,
        "nonante-neuf": 99,
    }
    for words, value in values.items():
        numbers = [n for run in runs(words) for n in run.numbers]
        assert [n.value for n in numbers] == [value], words
    assert [r.digits for r in runs("zéro six, douze, trente-quatre")] == ["061234"]
    assert runs("un grand merci") and all(
        n.value == 1 for r in runs("un grand merci") for n in r.numbers
    )
    assert runs("a grand piano") == []


# -- PRICE -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, amounts",
    [
        ("Je demande trois mille euros pour le projet.", ["trois mille euros"]),
        ("Le devis : deux cent cinquante euros.", ["deux cent cinquante euros"]),
        ("I made five grand on that job.", ["five grand"]),
        ("The deal was worth a quarter million.", ["a quarter million"]),
        ("They offered ten thousand dollars.", ["ten thousand dollars"]),
        ("Il m'a filé cinq cents balles.", ["cinq cents balles"]),
        ("It sold for half a million pounds.", ["half a million pounds"]),
        ("She charges 90 a day.", ["90"]),
        ("On m'a proposé 1 200 pour le tournage.", ["1 200"]),
        ("My rate is 0.12 per word.", ["0.12"]),
        ("My day rate went from 350 to 450 this year.", ["350", "450"]),
        ("Budget : 35–45 k€.", ["35–45 k€"]),
        ("Budget: 35-45k€.", ["35-45k€"]),
        ("Expect around $2-3k.", ["$2-3k"]),
        ("Prévoir entre 300 et 450 euros.", ["300", "450 euros"]),
        ("From $300 to $450.", ["$300", "$450"]),
        ("They pay 8c per word.", ["8c"]),
        ("Payé 12 centimes le mot.", ["12 centimes"]),
        ("Rate: $0.10/word.", ["$0.10"]),  # the rate unit stays outside (policy)
        ("Levée de 1,5 M€ bouclée.", ["1,5 M€"]),
        ("Salaire 45 K$ par an.", ["45 K$"]),
        ("I got paid 2.5k for it.", ["2.5k"]),
        ("Une levée de 3 millions d'euros.", ["3 millions d'euros"]),
        ("Tarifs : adultes 12, enfants 6 €.", ["12", "6 €"]),
        ("Tarifs : 450 la journée, 250 la demi-journée.", ["450", "250"]),
        ("I quoted 800, they paid 600.", ["800", "600"]),
        ("I charge 25 per hour.", ["25"]),
        ("TJM 450 € / jour", ["450 €"]),
        ("un TJM de 450 en 2025", ["450"]),
    ],
)
def test_prices(text: str, amounts: list[str]) -> None:
    assert of_type(text, "PRICE") == amounts


@pytest.mark.parametrize(
    "text",
    [
        "J'ai 12k followers et 3 000 abonnés sur Insta.",
        "+15 % d'engagement, entre 10 et 12 % du budget total.",
        "Le tournage dure 3 jours, avec 25 invités et 12 photos.",
        "On a payé 12 photos d'avance.",
        "le devis date de 2024",
        "facture n° 1200 du 12/03",
        "Mon tarif est page 12 du guide.",
        "I'm 34 and I have 2 kids.",
        "Les photographes proposent 10 à 12 heures de présence.",
        "benefits add about 30-50% on top of the base pay",
        "Write 2,000-2,500 words a day, divide your salary by 12.",
        "version 3.2.1, iOS 17.4, 1080p, 4K",
        "rendez-vous le 12/03/2025 à 14h30 au 3e étage",
        "The million dollar question is how many words per post.",
        "le budget 2025 est voté",
        "Billable hours range from 1,000 to 1,500 hours per year.",
        "un lot de 154 rouleaux",
        "J'ai photographié plus de 70 mariages depuis 2009.",
    ],
)
def test_not_prices(text: str) -> None:
    assert of_type(text, "PRICE") == []


def test_money_context_stays_in_its_sentence() -> None:
    # "tarif" ends the first sentence: the count in the second is not money.
    assert of_type("Voici mon tarif. 45 participants sont attendus.", "PRICE") == []
    assert of_type("Voici mon tarif.\n45 participants", "PRICE") == []


# -- SIRET / SIREN / CREDIT_CARD --------------------------------------------------------
# 443 061 841 00005 passes both the SIRET check and Luhn, as every SIRET does.
SIRET_LUHN = "44306184100005"


@pytest.mark.parametrize(
    "text",
    [
        f"Société immatriculée sous le n° {SIRET_LUHN}.",
        f"SIRET : {SIRET_LUHN}",
        "SIRET 443 061 841 00005",
        f"Notre entreprise ({SIRET_LUHN}) facture en HT.",
        "443 061 841 00005",
    ],
)
def test_siret_wins_over_card(text: str) -> None:
    kinds = [t for t, _ in found(text)]
    assert "FR_SIRET" in kinds and "CREDIT_CARD" not in kinds


def test_card_stays_a_card() -> None:
    assert of_type("paiement par carte 4430 6184 1000 05", "CREDIT_CARD")
    assert of_type(f"ma carte bancaire {SIRET_LUHN}", "CREDIT_CARD")
    assert of_type("card 4970 1012 3456 7893 exp 12/27", "CREDIT_CARD")


# -- LOCATION (postal addresses) --------------------------------------------------------
@pytest.mark.parametrize(
    "text, address",
    [
        ("Adresse : 8 impasse des Tilleuls, 35000 Rennes.", "8 impasse des Tilleuls, 35000 Rennes"),
        ("au 12 bis rue de la Paix 75002 Paris", "12 bis rue de la Paix 75002 Paris"),
        ("Flat 3, 27 Marlowe Road, Norwich NR2 3AB", "27 Marlowe Road, Norwich NR2 3AB"),
        ("at 221B Baker Street, London NW1 6XE.", "221B Baker Street, London NW1 6XE"),
        (
            "HQ: 1600 Amphitheatre Pkwy, Mountain View, CA 94043",
            "1600 Amphitheatre Pkwy, Mountain View, CA 94043",
        ),
        ("BP 123, 69000 Lyon", "BP 123, 69000 Lyon"),
        ("ZA des Landes, 44000 Nantes", "ZA des Landes, 44000 Nantes"),
        ("8 impasse des Tilleuls\n35000 Rennes", "8 impasse des Tilleuls\n35000 Rennes"),
        (
            "14 avenue Jean-Jaurès, 69007 Lyon Cedex 07",
            "14 avenue Jean-Jaurès, 69007 Lyon Cedex 07",
        ),
        ("12 Rue Sainte-Catherine, 1000 Bruxelles", "12 Rue Sainte-Catherine, 1000 Bruxelles"),
        ("45 chemin du Moulin, 1204 Genève", "45 chemin du Moulin, 1204 Genève"),
        ("3 place du Marché, 29000 Quimper, France", "3 place du Marché, 29000 Quimper"),
        ("We met at 42 Wallaby Way, Sydney.", "42 Wallaby Way, Sydney"),
        ("passe au 3 rue des lilas et on se retrouve", "3 rue des lilas"),
        ("rendez-vous place de la République demain", "place de la République"),
        ("10 Downing Street", "10 Downing Street"),
    ],
)
def test_addresses(text: str, address: str) -> None:
    assert raw(text, "LOCATION") == [address]


@pytest.mark.parametrize(
    "text",
    [
        "The exception is Trafalgar Square Post Office.",
        "I walked 5 Road miles",
        "75011 Paris",
        "Prends la route demain matin.",
        "12 posts par semaine",
    ],
)
def test_not_addresses(text: str) -> None:
    assert raw(text, "LOCATION") == []


# -- all together ------------------------------------------------------------------------
def test_a_whole_brief() -> None:
    brief = (
        "Bonjour ! Pour le shooting du 12/03, budget 2 500 € HT, soit trois mille euros TTC. "
        "Tu peux me joindre au zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit "
        "ou par mail : lea.martin (at) orange (point) fr. Livraison au 8 impasse des Tilleuls, "
        "35000 Rennes. On a 12k followers, ce n'est pas un prix."
    )
    result = found(brief)
    assert ("PRICE", "2 500 €") in result and ("PRICE", "trois mille euros") in result
    assert ("EMAIL", "lea.martin (at) orange (point) fr") in result
    assert ("LOCATION", "8 impasse des Tilleuls, 35000 Rennes") in result
    assert [t for t, _ in result].count("PHONE") == 1
    assert not [v for t, v in result if t == "PRICE" and "12" in v]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("trois mille euros", "[2–5 k€]"),
        ("half a million pounds", "[0.5–1 M£]"),
        ("five grand", "[5–10 k]"),
    ],
)
def test_amounts_in_words_become_ranges(written: str, expected: str) -> None:
    from sanitize.detect.rewrite import price_range

    assert price_range(written) == expected


def test_phone_in_a_bracketed_list() -> None:
    found = [
        (h.type, "Tél : (05.55.48.33.97 ; 06.80.98.17.64)"[h.start : h.end])
        for h in RECOGNIZERS["PHONE"]("Tél : (05.55.48.33.97 ; 06.80.98.17.64)")
    ]
    assert found == [("PHONE", "05.55.48.33.97"), ("PHONE", "06.80.98.17.64")]


def test_amounts_in_accounts_are_money() -> None:
    text = "Dépenses = 2 033 729.68 et recettes = 2 514 543.28."
    assert [text[h.start : h.end] for h in RECOGNIZERS["PRICE"](text)] == [
        "2 033 729.68",
        "2 514 543.28",
    ]


@pytest.mark.parametrize(
    ("text", "amounts"),
    [
        ("Ils paient sept à onze euros de l'heure.", ["onze euros", "sept"]),
        ("Comptez 70, 35 ou même 5 euros.", ["5 euros", "35", "70"]),
        ("The quote went from 1900 to 2100 dollars.", ["2100 dollars", "1900"]),
        ("In 2021 and $300 later, it was done.", ["$300"]),
        ("We sold 12, 15 and 20 items for $5.", ["$5"]),
    ],
)
def test_numbers_listed_before_an_amount_share_its_currency(text: str, amounts: list[str]) -> None:
    assert [text[h.start : h.end] for h in RECOGNIZERS["PRICE"](text)] == amounts


@pytest.mark.parametrize(
    ("text", "phones"),
    [
        ("Any questions, ring me or phone 734158.", ["734158"]),
        ("Appelez le 47 12 85 avant midi.", ["47 12 85"]),
        ("Call 555-0187 after six.", ["555-0187"]),
        ("We sold 734158 copies.", []),
        ("Réf. 473 128 du 12/03.", []),
    ],
)
def test_local_numbers_are_phones_only_after_a_phone_word(text: str, phones: list[str]) -> None:
    assert [text[h.start : h.end] for h in RECOGNIZERS["PHONE"](text)] == phones


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        (
            "For tickets, contact the parish office at 482-6613 or write to us.",
            "PHONE",
            ["482-6613"],
        ),
        ("Meet me at 482661 Main Street.", "PHONE", []),
        ("Content mills pay as little as 3p a word.", "PRICE", ["3p"]),
        ("We arrive at 3p.", "PRICE", []),
    ],
)
def test_local_numbers_after_contact_at_and_pence_per_word(
    text: str, kind: str, found: list[str]
) -> None:
    assert [text[h.start : h.end] for h in RECOGNIZERS[kind](text)] == found
