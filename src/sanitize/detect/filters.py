"""Known false positives of name recognition: greetings, headings, placeholders, and
public figures or companies, which are not private persons."""

from __future__ import annotations

import re

from sanitize.detect.clients import fold
from sanitize.detect.first_names import FIRST_NAMES
from sanitize.detect.patterns import Hit

GREETINGS = set(
    "bonjour bonsoir salut coucou hello hi hey dear cher chère chers chères merci thanks thank "
    "cordialement bises bisous regards best hola ciao yo re objet subject de from à to cc pour "
    "madame monsieur mme mr mrs ms m. dr docteur".split()
)
PUBLIC = {
    fold(name)
    for name in (
        # public figures
        "Emmanuel Macron",
        "Macron",
        "Elon Musk",
        "Taylor Swift",
        "Beyoncé",
        "Kylian Mbappé",
        "Mbappé",
        "Zinedine Zidane",
        "Barack Obama",
        "Obama",
        "Michelle Obama",
        "Joe Biden",
        "Donald Trump",
        "Trump",
        "Mark Zuckerberg",
        "Steve Jobs",
        "Bill Gates",
        "Jeff Bezos",
        "Sam Altman",
        "Coco Chanel",
        "Yves Saint Laurent",
        "Karl Lagerfeld",
        "Pharrell Williams",
        "Oprah Winfrey",
        "Kim Kardashian",
        "Rihanna",
        "Lady Gaga",
        "Picasso",
        "Victor Hugo",
        "Molière",
        "Napoléon",
        "Einstein",
        "Marie Curie",
        "Simone Veil",
        "Jacquemus",
        "Squeezie",
        "Léna Situations",
        "Cyprien",
        "Norman",
        "MrBeast",
        "Gary Vaynerchuk",
        "Seth Godin",
        "Steven Bartlett",
        # companies, platforms and tools
        "Google",
        "Apple",
        "Meta",
        "Facebook",
        "Instagram",
        "LinkedIn",
        "TikTok",
        "YouTube",
        "Twitter",
        "Snapchat",
        "Pinterest",
        "Canva",
        "Figma",
        "Notion",
        "ChatGPT",
        "OpenAI",
        "Claude",
        "Anthropic",
        "Gemini",
        "Mistral",
        "Microsoft",
        "Amazon",
        "Netflix",
        "Spotify",
        "Shopify",
        "Chanel",
        "Dior",
        "L'Oréal",
        "Sephora",
        "Nike",
        "Adidas",
        "Hermès",
        "Zara",
        "Ikea",
        "Airbnb",
        "Uber",
        "Slack",
        "Zoom",
        "Midjourney",
        "Substack",
        "Medium",
        "Threads",
        "Bluesky",
        "WhatsApp",
        "Telegram",
        "Gmail",
        "Outlook",
        "Malt",
        "Upwork",
        "Fiverr",
        "Behance",
        "Dribbble",
        "Lightroom",
        "Photoshop",
        "Premiere",
        "CapCut",
        "Excel",
        "Word",
        "PowerPoint",
        "Keynote",
        "Trello",
        "Asana",
        "Stripe",
        "PayPal",
        "Qonto",
        "Urssaf",
    )
}
# Words that head a draft ("Prompt :", "Brief Marque X") and that small models tag as names.
LABELS = set(
    "prompt brief brouillon draft caption légende legende story thread post note notes mail "
    "email e-mail subject objet checklist agenda devis facture invoice quote reminder rappel "
    "bilan recap mood citation question réponse reponse retour feedback compte rendu cr "
    "newsletter podcast réunion meeting todo to-do marque brand client cliente agence agency "
    "projet project".split()
)
# Verbs that open prompts ("Rédige un mail...") and that models tag as names at line start.
PROMPT_VERBS = set(
    "rédige redige écris ecris fais traduis résume resume corrige analyse propose crée cree "
    "donne liste reformule génère genere explique imagine compare transforme améliore ameliore "
    "vérifie verifie raconte décris decris prépare prepare trouve agis write draft summarize "
    "summarise translate rewrite create generate explain list give make compose act pretend "
    "suggest improve review outline brainstorm".split()
)
CALENDAR = set(
    "lundi mardi mercredi jeudi vendredi samedi dimanche janvier février mars avril mai juin "
    "juillet août septembre octobre novembre décembre monday tuesday wednesday thursday friday "
    "saturday sunday january february march april may june july august september october "
    "november december".split()
)
_TOKEN = re.compile(r"[\w'’.-]+")
# French imperatives with a pronoun ("Contactez-moi") are not names or places.
_IMPERATIVE = re.compile(
    r"-(?:moi|toi|nous|vous|le|la|les|lui|leur|en|y)(?:$|(?=\W))", re.IGNORECASE
)
# French imperatives with a pronoun ("Contactez-moi") are not names or places.
_IMPERATIVE = re.compile(
    r"-(?:moi|toi|nous|vous|le|la|les|lui|leur|en|y)(?:$|(?=\W))", re.IGNORECASE
)


def trim_name(text: str, hit: Hit) -> Hit | None:
    """Drop greeting words a model glued to a name ("Bonjour Marie" -> "Marie")."""
    start, end = hit.start, hit.end
    while True:
        match = _TOKEN.match(text, start)
        if not match or match.end() > end:
            break
        if fold(match.group()).rstrip(".,") in GREETINGS:
            start = match.end()
            while start < end and not text[start].isalnum():
                start += 1
            continue
        break
    while end > start and not text[end - 1].isalnum():
        end -= 1
    if end - start < 2:
        return None
    return Hit(hit.type, start, end, hit.score)


def _line(text: str, position: int) -> str:
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    return text[start : end if end >= 0 else len(text)]


def keep_name(text: str, hit: Hit) -> bool:
    value = text[hit.start : hit.end]
    folded = fold(value)
    tokens = value.split()
    if folded in PUBLIC or folded in CALENDAR or folded in GREETINGS:
        return False
    if tokens and (fold(tokens[0]).strip(":") in LABELS or fold(tokens[0]) in PROMPT_VERBS):
        return False
    if any(c.isdigit() for c in value) or any(c in value for c in "@#[]{}<>/\\|_=*"):
        return False
    if "\n" in value:
        return False  # names do not run across lines; headings glued to text do
    if _IMPERATIVE.search(value) or _IMPERATIVE.match(text[hit.end : hit.end + 6].rstrip(" ,.!?")):
        return False
    if _IMPERATIVE.search(value) or _IMPERATIVE.match(text[hit.end : hit.end + 6].rstrip(" ,.!?")):
        return False
    if not value[:1].isupper():
        return False  # models tag lower-case common words in informal text
    if value.isupper() and len(value) <= 6:
        return False  # acronyms: TJM, SEO, HT
    if any(len(t) == 1 and t.isalpha() and t.isupper() for t in tokens):
        return False  # anonymised names: "Marque X", "Client A"
    line = _line(text, hit.start).strip()
    if len(tokens) == 1 and line.strip(" .,:;!?-*#") == value and fold(value) not in FIRST_NAMES:
        return False  # a lone word on its line (a spreadsheet cell, a label): no context to judge
    if line.startswith("#") or line.endswith(":") and len(line) < 60 and value in line[:-1]:
        return False  # a heading
    letters = [c for c in line if c.isalpha()]
    return not (letters and all(c.isupper() for c in letters) and len(line) < 80)
