"""instellingen.yaml: one validated settings object, with a Dutch message for every wrong entry."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assets.settings import CONFIG_DIR, Instellingen, InstellingenFout, Settings


def _own(tmp_path: Path, text: str) -> Settings:
    (tmp_path / "config").mkdir(parents=True)
    (tmp_path / "config" / "instellingen.yaml").write_text(text, encoding="utf-8")
    return Settings(tmp_path)


def _refused(tmp_path: Path, text: str) -> str:
    settings = _own(tmp_path, text)
    with pytest.raises(InstellingenFout) as exc:
        settings.config
    message = str(exc.value)
    assert message.startswith(f"{settings.instellingen_path}: "), message  # names the file in use
    return message


def test_the_shipped_file_loads_with_its_values(tmp_path):
    shipped = yaml.safe_load((CONFIG_DIR / "instellingen.yaml").read_text(encoding="utf-8"))
    settings = Settings(tmp_path)
    config = settings.config
    assert settings.instellingen_path == CONFIG_DIR / "instellingen.yaml"
    assert settings.gemeentecode == "0638" and config.gemeentenaam == "Zoeterwoude"
    assert (config.controlelijst.capaciteit, config.controlelijst.steekproef, config.controlelijst.steekproef_seed,
            config.controlelijst.rustperiode_maanden) == (25, 5, 638, 6)
    assert (config.evaluatie.selectie_ratio_grens, config.evaluatie.drift_factor, config.evaluatie.drift_minimum,
            config.evaluatie.drift_aanloop_maanden, config.evaluatie.buurt_minimum) == (3.0, 2.0, 5, 12, 5)
    assert (config.export.onderdrukkingsgrens, config.export.bewaartermijn_maanden) == (10, 24)
    assert config.rapportage.png == "laatste" and config.warehouse.geheugenlimiet is None
    # the dict view holds exactly what the file says (the file sets every key)
    assert settings.instellingen == shipped


@pytest.mark.parametrize("text, expected", [
    ("controlelijst:\n  capaciteit: veel\n",
     "controlelijst.capaciteit moet een geheel getal van 1 tot en met 500 zijn, niet 'veel'."),
    ("controlelijst:\n  capaciteit: 2.5\n",
     "controlelijst.capaciteit moet een geheel getal van 1 tot en met 500 zijn, niet '2.5'."),
    ("controlelijst:\n  capaciteit: 0\n",
     "controlelijst.capaciteit moet een geheel getal van 1 tot en met 500 zijn, niet '0'."),
    ("controlelijst:\n  steekproef: true\n",
     "controlelijst.steekproef moet een geheel getal van 0 tot en met 500 zijn, niet 'true'."),
    ("evaluatie:\n  drift_factor: 0.5\n",
     "evaluatie.drift_factor moet een getal van 1 tot en met 100 zijn, niet '0.5'."),
    ("export:\n  bewaartermijn_maanden: 600\n",
     "export.bewaartermijn_maanden moet een geheel getal van 1 tot en met 120 zijn, niet '600'."),
    ("export:\n  onderdrukkingsgrens: -3\n",
     "export.onderdrukkingsgrens moet een geheel getal van 1 tot en met 1.000 zijn, niet '-3'."),
    ("rapportage:\n  png: soms\n", "rapportage.png moet laatste, true of false zijn, niet 'soms'."),
    ("warehouse:\n  geheugenlimiet: 3\n", "warehouse.geheugenlimiet moet een hoeveelheid geheugen met eenheid zijn"),
    ("gemeentecode: Zoeterwoude\n", "gemeentecode moet een CBS-gemeentecode van vier cijfers zijn"),
    ("controlelijst: 25\n", "controlelijst moet een groep instellingen zijn (capaciteit, steekproef"),
])
def test_a_wrong_value_names_the_key_and_what_is_allowed(tmp_path, text, expected):
    assert expected in _refused(tmp_path, text)


def test_an_unknown_key_is_refused_with_a_suggestion_when_close(tmp_path):
    message = _refused(tmp_path / "typo", "controlelijst:\n  capacitiet: 30\n")
    assert "onbekende instelling 'controlelijst.capacitiet'. Bedoelt u 'controlelijst.capaciteit'?" in message
    assert "Bekend onder 'controlelijst': capaciteit, steekproef, steekproef_seed, rustperiode_maanden." in message

    message = _refused(tmp_path / "far", "kleurenschema: blauw\n")
    assert "onbekende instelling 'kleurenschema'." in message and "Bedoelt u" not in message
    assert "gemeentecode, gemeentenaam, controlelijst, evaluatie, export, rapportage, warehouse" in message

    message = _refused(tmp_path / "level", "capaciteit: 30\n")
    assert "Die hoort onder 'controlelijst:' (als 'controlelijst.capaciteit')." in message


def test_broken_yaml_names_the_line(tmp_path):
    assert "geen geldige YAML (regel 3)" in _refused(tmp_path, "controlelijst:\n  capaciteit: 30\n steekproef: [\n")


def test_a_copy_in_the_data_folder_overrides_and_missing_sections_keep_their_defaults(tmp_path):
    settings = _own(tmp_path, "gemeentecode: GM0626\ncontrolelijst:\n  capaciteit: 40\nrapportage:\n  png: false\n")
    config = settings.config
    assert settings.instellingen_path == tmp_path / "config" / "instellingen.yaml"
    assert settings.gemeentecode == "0626"
    assert config.controlelijst.capaciteit == 40
    assert config.controlelijst.steekproef == 5 and config.controlelijst.steekproef_seed == 638  # rest of the section
    assert config.rapportage.png is False
    assert config.gemeentenaam == "de gemeente"  # not in the copy: the default, not the shipped file's value
    assert config.evaluatie == Instellingen().evaluatie and config.export.bewaartermijn_maanden == 24
    assert settings.instellingen["export"] == {"onderdrukkingsgrens": 10, "bewaartermijn_maanden": 24}


def test_an_empty_file_or_entry_means_the_defaults(tmp_path):
    assert _own(tmp_path / "leeg", "").config == Instellingen()
    settings = _own(tmp_path / "leeg_veld", "controlelijst:\n  capaciteit:\nwarehouse:\n  geheugenlimiet:\n")
    assert settings.config.controlelijst.capaciteit == 25 and settings.config.warehouse.geheugenlimiet is None


def test_values_written_as_text_or_with_gm_mean_the_same(tmp_path):
    settings = _own(tmp_path, 'gemeentecode: 638\ncontrolelijst:\n  capaciteit: "30"\nwarehouse:\n  geheugenlimiet: "1GiB"\n')
    assert settings.gemeentecode == "0638"
    assert settings.config.controlelijst.capaciteit == 30
    assert settings.config.warehouse.geheugenlimiet == "1GiB"


def test_gemeente_txt_overrides_the_code_and_is_checked_too(tmp_path):
    (tmp_path / "referentie").mkdir()
    (tmp_path / "referentie" / "gemeente.txt").write_text("GM0546\n", encoding="utf-8")
    assert Settings(tmp_path).gemeentecode == "0546"
    (tmp_path / "referentie" / "gemeente.txt").write_text("Leiden\n", encoding="utf-8")
    with pytest.raises(InstellingenFout, match=r"gemeente\.txt: gemeentecode moet een CBS-gemeentecode"):
        Settings(tmp_path).gemeentecode


def test_settings_are_read_once_per_folder(tmp_path):
    settings = _own(tmp_path, "controlelijst:\n  capaciteit: 40\n")
    assert settings.config.controlelijst.capaciteit == 40
    (tmp_path / "config" / "instellingen.yaml").write_text("controlelijst:\n  capaciteit: 50\n", encoding="utf-8")
    assert settings.config.controlelijst.capaciteit == 40  # the same run keeps what it started with
    assert Settings(tmp_path).config.controlelijst.capaciteit == 50


def test_status_says_when_the_settings_are_refused(tmp_path, monkeypatch):
    from pipelines import status

    monkeypatch.setattr(status, "_last_runs", dict)  # no Dagster instance in this folder
    settings = _own(tmp_path, "controlelijst:\n  capaciteit: veel\n")
    lines = status.month_status(settings)
    assert lines[1] == (f"Let op, instellingen geweigerd: {settings.instellingen_path}: controlelijst.capaciteit "
                        "moet een geheel getal van 1 tot en met 500 zijn, niet 'veel'.")
    assert not any("geweigerd" in line for line in status.month_status(Settings(tmp_path / "goed")))


def test_code_that_passes_plain_dicts_gets_the_same_validation(tmp_path):
    from assets.settings import Controlelijst, Evaluatie

    assert Controlelijst.of({"capaciteit": 8, "steekproef": 0}) == Controlelijst(capaciteit=8, steekproef=0)
    assert Evaluatie.of(None) == Evaluatie()
    with pytest.raises(InstellingenFout, match=r"^instellingen: controlelijst\.capaciteit moet een geheel getal"):
        Controlelijst.of({"capaciteit": "veel"})
