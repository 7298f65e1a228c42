"""Settings: server address, CA bundle, interface language, the idle lock."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from silon_desktop.config import Settings
from silon_desktop.ui.idle_lock import MAX_MINUTES, MIN_MINUTES, lock_minutes


class SettingsDialog(QDialog):
    """Edits a Settings object in place when accepted (the caller saves it)."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(self.tr("Pengaturan"))
        self.server = QLineEdit(settings.server_url)
        self.server.setObjectName("serverUrl")
        self.ca_bundle = QLineEdit(settings.ca_bundle)
        self.ca_bundle.setObjectName("caBundle")
        self.ca_bundle.setPlaceholderText(self.tr("kosong: sertifikat bawaan sistem"))
        browse = QPushButton(self.tr("Pilih..."))
        browse.clicked.connect(self._browse)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_bundle, 1)
        ca_row.addWidget(browse)
        self.language = QComboBox()
        self.language.setObjectName("language")
        self.language.addItem("Bahasa Indonesia", "id")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(self.language.findData(settings.language), 0))
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setObjectName("idleLockMinutes")
        self.idle_minutes.setRange(MIN_MINUTES, MAX_MINUTES)
        self.idle_minutes.setSuffix(self.tr(" menit"))
        self.idle_minutes.setValue(lock_minutes(settings.idle_lock_minutes))
        self.idle_minutes.setToolTip(
            self.tr(
                "Jendela dikunci bila tidak ada ketikan atau klik selama waktu ini; "
                "kata sandi diminta lagi. Data latihan tidak dikunci."
            )
        )
        self.message = QLabel()
        self.message.setStyleSheet("color: #b00020;")
        form = QFormLayout()
        form.addRow(self.tr("Alamat server"), self.server)
        form.addRow(self.tr("Berkas CA (PEM)"), ca_row)
        form.addRow(self.tr("Bahasa"), self.language)
        form.addRow(self.tr("Kunci bila tidak digunakan"), self.idle_minutes)
        note = QLabel(self.tr("Perubahan bahasa berlaku setelah aplikasi dibuka ulang."))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, self.tr("Berkas CA"), "", "PEM (*.pem *.crt);;*"
        )
        if chosen:
            self.ca_bundle.setText(chosen)

    def _accept(self) -> None:
        url = self.server.text().strip()
        if not url.startswith(("http://", "https://")):
            self.message.setText(self.tr("Alamat server harus diawali http:// atau https://"))
            return
        self.settings.server_url = url.rstrip("/")
        self.settings.ca_bundle = self.ca_bundle.text().strip()
        self.settings.language = str(self.language.currentData())
        self.settings.idle_lock_minutes = self.idle_minutes.value()
        self.accept()
