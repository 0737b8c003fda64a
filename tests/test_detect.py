"""Text detection: every entity type, clients, config, reports and redaction."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sanitize import Options, clean_file, inspect_file
from sanitize.cli import main
from sanitize.config import Config, find, parse
from sanitize.detect import get_detector
from sanitize.detect.rewrite import mask, price_range

CLIENTS = Config(
    clients=(("Atelier Sérac", "[marque beauté]"), ("Boussole", None), ("Studio Nacre", None))
)


def found(
    text: str, config: Config = CLIENTS, language: str | None = None
) -> list[tuple[str, str]]:
    return [(s.type, s.text) for s in get_detector(config).scan([text], language)[0]]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("écrivez à jane.doe@gmail.com demain", ("EMAIL", "jane.doe@gmail.com")),
        ("mail: jane [at] gmail [dot] com", ("EMAIL", "jane [at] gmail [dot] com")),
        ("appelle le 06 12 34 56 78", ("PHONE", "06 12 34 56 78")),
        ("appelle le +33 6 12 34 56 78", ("PHONE", "+33 6 12 34 56 78")),
        ("call +44 20 7946 0958 now", ("PHONE", "+44 20 7946 0958")),
        (
            "IBAN FR76 3000 6000 0112 3456 7890 189 merci",
            ("IBAN", "FR76 3000 6000 0112 3456 7890 189"),
        ),
        ("card 4970 1012 3456 7893 exp", ("CREDIT_CARD", "4970 1012 3456 7893")),
        ("SIRET 732 829 320 00074", ("FR_SIRET", "732 829 320 00074")),
        ("SIREN : 732 829 320", ("FR_SIREN", "732 829 320")),
        ("NIR 2 84 05 75 112 025 57", ("FR_NIR", "2 84 05 75 112 025 57")),
        ("server 192.168.1.42 down", ("IP_ADDRESS", "192.168.1.42")),
        ("from 2001:db8:85a3::8a2e:370:7334 again", ("IP_ADDRESS", "2001:db8:85a3::8a2e:370:7334")),
        (
            "key sk-proj-abcdefghijklmnopqrstuvwx123 ok",
            ("SECRET", "sk-proj-abcdefghijklmnopqrstuvwx123"),
        ),
        (
            "token ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
            ("SECRET", "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"),
        ),
        (
            "brief: https://docs.google.com/document/d/1abc/edit",
            ("URL", "https://docs.google.com/document/d/1abc/edit"),
        ),
        ("réserve sur calendly.com/julie/30min", ("URL", "calendly.com/julie/30min")),
    ],
)
def test_pattern_entities(text: str, expected: tuple[str, str]) -> None:
    assert expected in found(text)


@pytest.mark.parametrize(
    "text, amount",
    [
        ("devis de 2 500 € HT", "2 500 €"),
        ("soit 2,5 k€ pour tout", "2,5 k€"),
        ("à 3k€ max", "3k€"),
        ("1 500 euros HT", "1 500 euros"),
        ("TJM 450 € par jour", "450 €"),
        ("price $1,200 total", "$1,200"),
        ("offer USD 40k now", "USD 40k"),
        ("rate £300/day", "£300"),  # the policy leaves the rate unit outside the span
        ("45 000 € brut annuel", "45 000 €"),
        ("un TJM de 450 en 2025", "450"),
        ("le budget 5K est validé", "5K"),
    ],
)
def test_prices(text: str, amount: str) -> None:
    assert ("PRICE", amount) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "+15 % d'engagement en 2024",
        "12k abonnés et 3 posts par semaine",
        "version 3.2.1 sortie",
        "iOS 17.4 et v2.3",
        "rendez-vous le 12/03/2025 à 14h30",
        "le budget 2025 est voté",
        "45 000 followers",
        "commande #4521",
        "75011 Paris",
    ],
)
def test_not_prices(text: str) -> None:
    assert not [t for t, _ in found(text) if t == "PRICE"]


def test_email_domain_is_not_a_url() -> None:
    assert [t for t, _ in found("write to jane@mybrand.com")] == ["EMAIL"]


def test_clients_case_accents_possessive_tags() -> None:
    text = "atelier serac valide. ATELIER SÉRAC's team, #AtelierSerac et @studionacre aussi."
    clients = [v for t, v in found(text) if t == "CLIENT"]
    assert clients == ["atelier serac", "ATELIER SÉRAC", "#AtelierSerac", "@studionacre"]


def test_ordinary_word_client_only_as_a_name() -> None:
    assert ("CLIENT", "Boussole") in found("J'ai rencontré Boussole hier pour le devis.")
    assert not [v for t, v in found("Prends une boussole pour la rando.") if t == "CLIENT"]
    assert not [v for t, v in found("Prends la Boussole rouge.") if t == "CLIENT"]


def test_names_and_places_without_false_friends() -> None:
    result = found(
        "Bonjour Marie Dupont,\nj'habite à Lyon. Emmanuel Macron était à Paris avec Nike.",
        language="fr",
    )
    assert ("PERSON", "Marie Dupont") in result
    assert ("LOCATION", "Lyon") in result  # where the writer lives
    assert not [v for _, v in result if "Paris" in v]  # a city in passing
    assert not [v for _, v in result if "Macron" in v or "Nike" in v or "Bonjour" in v]
    english = found("# Project Brief\nHi Jake, meet Laura Bennett in Manchester.", language="en")
    assert ("PERSON", "Jake") in english and ("PERSON", "Laura Bennett") in english
    assert not [v for _, v in english if "Brief" in v]


def test_placeholders_are_not_flagged() -> None:
    text = "Marque [mode beauté], budget [2–5 k€], contact [EMAIL], Client X."
    assert found(text) == []


def test_inline_allow_and_allow_list() -> None:
    text = "moi: hello@mybrand.com <!-- sanitize: allow -->\nautre: jane@gmail.com"
    assert found(text) == [("EMAIL", "jane@gmail.com")]
    allowing = Config(allow=("jane@gmail.com", "mybrand.com"))
    assert found("jane@gmail.com, team@mybrand.com, https://mybrand.com/shop", allowing) == []


def test_entities_and_threshold_settings() -> None:
    only_email = Config(entities=("EMAIL",))
    assert found("jane@gmail.com 06 12 34 56 78 2 500 €", only_email) == [
        ("EMAIL", "jane@gmail.com")
    ]
    strict = Config(score_threshold=0.99)
    assert [t for t, _ in found("jane@gmail.com et 06 12 34 56 78", strict)] == ["EMAIL"]


def test_language_detection() -> None:
    detector = get_detector(Config())
    assert detector.language("Bonjour, je vous écris pour le devis de la campagne.") == "fr"
    assert detector.language("Hello, I am writing about the quote for the campaign.") == "en"
    assert get_detector(Config(languages=("en",))).language("Bonjour je suis là") == "en"


def test_no_model_patterns_still_work_and_one_notice(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from sanitize.detect import ner

    monkeypatch.setattr(ner, "installed_model", lambda language: None)
    ner.engine_for.cache_clear()
    get_detector.cache_clear()
    try:
        for index in range(2):
            (tmp_path / f"d{index}.md").write_text("Bonjour Marie, mon mail: marie@gmail.com")
        result = CliRunner().invoke(main, ["check", "--format", "json", str(tmp_path)])
        report = json.loads(result.stdout)
        assert len(report["notices"]) == 1 and "name detection is off" in report["notices"][0]
        for entry in report["files"]:
            # Given-name data and the greeting need no model: "Marie" is still found.
            assert [f["type"] for f in entry["findings"]] == ["PERSON", "EMAIL"]
    finally:
        ner.engine_for.cache_clear()
        get_detector.cache_clear()


def test_models_are_never_downloaded(monkeypatch: pytest.MonkeyPatch) -> None:
    import spacy.cli

    from sanitize.detect import ner

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a model download was attempted")

    monkeypatch.setattr(spacy.cli, "download", refuse)
    ner.engine_for.cache_clear()
    engine = ner.engine_for("en")
    assert engine is not None and engine.analyze(["Laura Bennett lives in Leeds."])
    import os

    assert os.environ.get("HF_HUB_OFFLINE") == "1"


def test_official_model_preferred(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from sanitize.detect import ner

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name: object() if name == "en_core_web_sm" else real(name),
    )
    assert ner.installed_model("en") == "en_core_web_sm"


def test_photo_does_not_import_presidio_or_spacy(tmp_path: Path) -> None:
    import dirty

    photo = tmp_path / "photo.jpg"
    photo.write_bytes(dirty.dirty_jpeg())
    code = (
        "import sys; from sanitize.cli import main\n"
        "try:\n    main(['check', '-q', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('spacy', 'presidio_analyzer')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(photo)], capture_output=True, text=True
    )
    assert result.stdout.strip().endswith("[]"), result.stdout + result.stderr


def test_report_fields_and_text_format(runner: CliRunner, tmp_path: Path) -> None:
    draft = tmp_path / "draft.md"
    draft.write_text(
        "Titre\n\nécrivez à jane.doe@gmail.com ou au 06 12 34 56 78\n", encoding="utf-8"
    )
    result = runner.invoke(main, ["check", "--format", "json", str(draft)])
    assert result.exit_code == 1
    entry = json.loads(result.stdout)["files"][0]
    email = next(f for f in entry["findings"] if f["type"] == "EMAIL")
    assert set(email) == {"type", "start", "end", "line", "column", "score", "preview", "where"}
    text = draft.read_text(encoding="utf-8")
    assert text[email["start"] : email["end"]] == "jane.doe@gmail.com"
    assert (email["line"], email["column"]) == (3, 11)
    assert email["preview"] == "j***@gmail.com"
    assert "jane.doe" not in result.stdout
    plain = runner.invoke(main, ["check", str(draft)])
    assert f"{draft}:3:11: EMAIL j***@gmail.com" in plain.stdout


def test_masks_never_show_the_value() -> None:
    for kind, value in [
        ("EMAIL", "jane@gmail.com"),
        ("PHONE", "0612345678"),
        ("PRICE", "3k€"),
        ("PERSON", "Jo"),
        ("IBAN", "FR7630006000011234567890189"),
        ("SECRET", "sk-abc"),
    ]:
        assert mask(kind, value) != value and value not in mask(kind, value)


def test_price_ranges() -> None:
    assert price_range("2 500 €") == "[2–5 k€]"
    assert price_range("$1,200") == "[1–2 k$]"
    assert price_range("£300/day") == "[200–500 £/day]"
    assert price_range("450") == "[200–500]"


def test_clean_redact_text(tmp_path: Path) -> None:
    draft = tmp_path / "prompt.txt"
    draft.write_text(
        "Pour Atelier Sérac, budget 2 500 €, contact jane@gmail.com.\n", encoding="utf-8"
    )
    report = clean_file(draft, Options(config=CLIENTS, redact=True))
    assert report.status == "cleaned"
    assert Path(report.output).read_text(encoding="utf-8") == (
        "Pour [marque beauté], budget [2–5 k€], contact [EMAIL].\n"
    )
    plain = clean_file(draft, Options(config=CLIENTS, output_dir=tmp_path / "plain"))
    assert Path(plain.output).read_bytes() == draft.read_bytes()  # without --redact: flag only
    assert plain.findings


def test_clean_redact_docx_keeps_formatting(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    paragraph = document.add_paragraph("Contact: ")
    bold = paragraph.add_run("jane.doe")
    bold.bold = True
    paragraph.add_run("@gmail.com, tarif 450 €.")
    source = tmp_path / "brief.docx"
    document.save(source)
    report = clean_file(source, Options(redact=True))
    runs = [(r.text, r.bold) for r in docx.Document(report.output).paragraphs[0].runs]
    assert runs == [("Contact: ", None), ("[EMAIL]", True), (", tarif [200–500 €].", None)]


def test_documents_are_scanned_with_where(tmp_path: Path) -> None:
    import openpyxl
    import pptx

    import dirty_office
    import dirty_pdf

    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "Offre"
    slide.notes_slide.notes_text_frame.text = "rappeler jane@gmail.com"
    deck.save(tmp_path / "deck.pptx")
    (tmp_path / "sheet.xlsx").write_bytes(dirty_office.dirty_xlsx())
    book = openpyxl.load_workbook(tmp_path / "sheet.xlsx")
    book["Budget"]["C2"] = "contact: jane@gmail.com"
    book.save(tmp_path / "sheet.xlsx")
    (tmp_path / "doc.pdf").write_bytes(dirty_pdf.plain_pdf(pages=2, with_photo=False))
    where = {
        name: {(f.type, f.where) for f in inspect_file(tmp_path / name).findings}
        for name in ("deck.pptx", "sheet.xlsx")
    }
    assert ("EMAIL", "notes of slide 1") in where["deck.pptx"]
    assert ("EMAIL", "Budget!C2") in where["sheet.xlsx"]
    pdf_findings = inspect_file(tmp_path / "doc.pdf").findings
    assert all(f.where.startswith("page ") for f in pdf_findings)


def test_config_discovery(tmp_path: Path, runner: CliRunner) -> None:
    project = tmp_path / "project"
    (project / "posts").mkdir(parents=True)
    (project / ".git").mkdir()
    (project / "pyproject.toml").write_text(
        '[tool.sanitize]\nclients = ["Maison Lumen"]\n', encoding="utf-8"
    )
    draft = project / "posts" / "draft.md"
    draft.write_text("Merci Maison Lumen !", encoding="utf-8")
    find.cache_clear()
    assert find(draft.parent).clients == (("Maison Lumen", None),)
    entry = json.loads(runner.invoke(main, ["check", "--format", "json", str(draft)]).stdout)[
        "files"
    ][0]
    assert [f["type"] for f in entry["findings"]] == ["CLIENT"]
    other = tmp_path / "other.toml"
    other.write_text('clients = ["Kōan Tea"]\n', encoding="utf-8")
    (tmp_path / "clients.txt").write_text("Merci\n", encoding="utf-8")
    entry = json.loads(
        runner.invoke(
            main,
            [
                "check",
                "--format",
                "json",
                "--config",
                str(other),
                "--clients",
                str(tmp_path / "clients.txt"),
                str(draft),
            ],
        ).stdout
    )
    assert [f["type"] for f in entry["files"][0]["findings"]] == ["CLIENT"]  # "Merci" from the file


def test_bad_config_is_a_usage_error(tmp_path: Path, runner: CliRunner) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("entities = ['NOPE']\n")
    (tmp_path / "a.md").write_text("x")
    assert (
        runner.invoke(main, ["check", "--config", str(bad), str(tmp_path / "a.md")]).exit_code == 2
    )


def test_parse_client_table() -> None:
    config = parse({"clients": {"Atelier Sérac": "[marque beauté]"}, "allow": ["me@x.fr"]})
    assert config.clients == (("Atelier Sérac", "[marque beauté]"),) and config.allow == (
        "me@x.fr",
    )


def test_source_code_is_not_scanned_as_a_draft(tmp_path: Path) -> None:
    script = tmp_path / "tool.py"
    script.write_text("EMAIL = 'jane@gmail.com'\n")
    report = inspect_file(script)
    assert report.status == "unsupported" and report.findings == []


def test_lone_words_in_cells_are_not_names() -> None:
    cells = "Item\nAmount\nShoot\n1200\nEdit\n800\nTotal"
    assert [t for t, _ in found(cells, language="en") if t in ("PERSON", "LOCATION")] == []
    assert ("PERSON", "Julie Martin") in found("Julie Martin\nShoot\n1200", language="fr")
