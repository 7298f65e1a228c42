"""Settings (server, CA bundle, language) and the region pickers' type-ahead."""

from __future__ import annotations

import json
from typing import Any

from pytestqt.qtbot import QtBot

from silon_desktop.config import Settings
from silon_desktop.ui.region_picker import RegionPicker
from silon_desktop.ui.settings_dialog import SettingsDialog


def test_settings_dialog_refuses_a_bad_address_then_saves(qtbot: QtBot, backend: Any) -> None:
    settings = backend.settings
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    dialog.server.setText("silon.kpu.go.id")
    dialog._accept()
    assert "http" in dialog.message.text() and settings.server_url != "silon.kpu.go.id"
    dialog.server.setText("https://silon.kpu.go.id/")
    dialog.ca_bundle.setText("/etc/ssl/kpu-ca.pem")
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    with qtbot.waitSignal(dialog.accepted):
        dialog._accept()
    backend.save_settings()
    saved = json.loads(backend.paths.settings.read_text())
    assert saved["server_url"] == "https://silon.kpu.go.id"
    assert saved["ca_bundle"] == "/etc/ssl/kpu-ca.pem"
    assert Settings.load(backend.paths.settings).language == "en"


def test_region_picker_types_ahead_from_province_to_desa(qtbot: QtBot, backend: Any) -> None:
    picker = RegionPicker(backend.regions, level=4)
    qtbot.addWidget(picker)
    picker.show()
    province, kabkota, kecamatan, desa = picker.combos
    # What the operator types goes to the completer (its popup needs a real display).
    completer = province.completer()
    completer.setCompletionPrefix("jawa bar")
    assert completer.completionCount() >= 1
    assert "JAWA BARAT" in completer.currentCompletion().upper()
    province.setCurrentIndex(province.findData("32"))
    assert kabkota.count() == 27  # Jawa Barat's kabupaten and kota
    kabkota.completer().setCompletionPrefix("purwak")  # matches anywhere in the name
    assert "PURWAKARTA" in kabkota.completer().currentCompletion().upper()
    kabkota.setCurrentIndex(kabkota.findData("32.14"))
    assert kecamatan.count() == 17
    kecamatan.setCurrentIndex(kecamatan.findData("32.14.01"))
    with qtbot.waitSignal(picker.codeChosen) as chosen:
        desa.setCurrentIndex(1)
    assert chosen.args[0].startswith("32.14.01.")
    assert picker.code() == chosen.args[0]
    picker.set_code("32.14.02")
    assert kecamatan.currentData() == "32.14.02" and desa.currentIndex() == -1
