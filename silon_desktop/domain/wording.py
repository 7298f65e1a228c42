"""The one table of words for error codes, Indonesian (the source language).

The UI passes Qt's translator (context ``errors``; English in
``resources/i18n/silon_en.ts``) and the command line prints the Indonesian text,
so each code has one wording, the same on screen and in print. Templates take
``{name}`` parameters from :attr:`CodedError.params`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from silon_desktop.domain.errors import ErrorCode

Translate = Callable[[str], str]

#: code -> Indonesian template (the source text the UI translates in context "errors")
ERROR_TEXTS_ID: dict[ErrorCode, str] = {
    ErrorCode.UNEXPECTED: "Kesalahan tak terduga: {detail}",
    ErrorCode.DB_UNUSABLE: "Basis data lokal tidak dapat digunakan.",
    ErrorCode.DB_LOCKED: (
        "Basis data sedang dipakai oleh proses lain. Tutup aplikasi Silon lain lalu coba lagi."
    ),
    ErrorCode.DISK_FULL: (
        "Ruang disk penuh. Kosongkan ruang disk lalu coba lagi; data belum disimpan."
    ),
    ErrorCode.FILE_DISK_FULL: (
        "Ruang disk penuh; berkas tidak tersimpan. Kosongkan ruang disk lalu coba lagi."
    ),
    ErrorCode.FILE_STOPPED: (
        "Penulisan berkas dihentikan karena jendela ditutup atau dikunci; berkas tidak dibuat. Simpan lagi setelah masuk."
    ),
    ErrorCode.FILE_NOT_WRITTEN: (
        "Folder tujuan tidak ada atau tidak boleh ditulisi, atau berkas dengan nama itu "
        "sedang dibuka program lain (misalnya Excel); berkas tidak tersimpan. Tutup "
        "berkas itu atau pilih folder lain, lalu simpan lagi."
    ),
    ErrorCode.BACKUP_DISK_FULL: (
        "Ruang disk penuh; cadangan tidak dapat dibuat. Data yang sudah disimpan tetap "
        "utuh. Kosongkan ruang disk lalu coba lagi."
    ),
    ErrorCode.RESTORE_DISK_FULL: (
        "Ruang disk penuh; basis data tidak dipulihkan dan tetap seperti semula. "
        "Kosongkan ruang disk lalu coba lagi."
    ),
    ErrorCode.DB_CORRUPT: (
        "Berkas basis data rusak. Pulihkan dari cadangan (menu Berkas, Pulihkan dari "
        "cadangan, atau 'silon-desktop backup --restore')."
    ),
    ErrorCode.DB_UNAVAILABLE: (
        "Berkas basis data tidak dapat dibaca atau ditulisi. Periksa izin folder dan "
        "apakah disk (atau flashdisk) masih terpasang."
    ),
    ErrorCode.DB_SCHEMA_TOO_NEW: (
        "Basis data ini dibuat oleh versi Silon Desktop yang lebih baru. "
        "Perbarui aplikasi terlebih dahulu."
    ),
    ErrorCode.FIELD_REFUSED: "Isi kolom '{field}' tidak valid ({problem}).",
    ErrorCode.RECORD_NOT_FOUND: "Data tidak ditemukan.",
    ErrorCode.RECORD_DELETED: "Data sudah dihapus.",
    ErrorCode.IMPORT_NOT_FOUND: "Berkas {name} tidak ditemukan.",
    ErrorCode.IMPORT_UNREADABLE: "Berkas {name} tidak dapat dibaca: {detail}",
    ErrorCode.IMPORT_TRUNCATED: "Berkas {name} rusak atau terpotong (tidak lengkap): {detail}",
    ErrorCode.IMPORT_NOT_SPREADSHEET: "Berkas {name} bukan lembar kerja XLSX, XLS, ODS atau CSV.",
    ErrorCode.IMPORT_EMPTY: (
        "Berkas {name} tidak berisi baris data (kosong, atau hanya baris judul kolom)."
    ),
    ErrorCode.IMPORT_NO_HEADER: (
        "Berkas {name}: baris judul kolom tidak ditemukan (dicari kolom NIK, Nama, "
        "Tempat/Tanggal Lahir, Jenis Kelamin, Alamat, Desa/Kelurahan, Kecamatan)."
    ),
    ErrorCode.IMPORT_MISSING_COLUMNS: (
        "Berkas {name}: baris judul ditemukan, tetapi kolom {columns} tidak ada. "
        "Tambahkan kolom itu (atau ubah judulnya, misalnya NIK dan NAMA) lalu coba lagi."
    ),
    ErrorCode.IMPORT_ENCRYPTED: (
        "Berkas {name} dilindungi kata sandi; simpan ulang tanpa kata sandi."
    ),
    ErrorCode.IMPORT_IS_FOLDER: (
        "{name} adalah folder, bukan berkas; pilih berkas XLSX, XLS, ODS atau CSV."
    ),
    ErrorCode.IMPORT_TOO_LARGE: (
        "Berkas {name} ditolak: ukurannya tidak wajar ({detail}). Berkas tidak dibuka agar "
        "komputer tidak kehabisan memori; simpan ulang dari program lembar kerja, atau "
        "pecah menjadi beberapa berkas."
    ),
    ErrorCode.IMPORT_UNCLOSED_QUOTE: (
        'Berkas {name}: tanda kutip (") yang dibuka di baris {detail} tidak ditutup, '
        "sehingga baris-baris sesudahnya terbaca sebagai satu sel. Perbaiki tanda kutip "
        "itu lalu impor lagi."
    ),
    ErrorCode.IMPORT_UNKNOWN_PAIR: (
        "Bakal pasangan calon dengan id {pair_id} tidak ada di basis data lokal."
    ),
    ErrorCode.IMPORT_ROUND_NOT_IN_RULES: (
        "Tahap {round} tidak ada dalam aturan pemilihan ini ({rules}); tidak ada yang "
        "diimpor. Pilih tahap yang ada (--round)."
    ),
    ErrorCode.IMPORT_CANCELLED: "Impor dibatalkan; basis data tidak berubah.",
    ErrorCode.LOGIN_WRONG_CREDENTIALS: "Nama pengguna atau kata sandi salah.",
    ErrorCode.LOGIN_OFFLINE_REFUSED: (
        "Server tidak dapat dihubungi dan kata sandi tidak cocok dengan login "
        "terakhir di komputer ini."
    ),
    ErrorCode.LOGIN_OFFLINE_WAIT: (
        "Terlalu banyak percobaan masuk tanpa koneksi. Coba lagi dalam {minutes} menit."
    ),
    ErrorCode.LOGIN_OFFLINE_EXPIRED: (
        "Masa berlaku masuk tanpa koneksi di komputer ini sudah habis. Sambungkan ke server lalu masuk secara daring."
    ),
    ErrorCode.LOGIN_RESERVED_NAME: (
        "Nama akun ini dipakai server untuk catatannya sendiri di log audit dan tidak "
        "dapat dipakai masuk. Minta administrator membuat akun dengan nama lain."
    ),
    ErrorCode.LOGIN_SERVER_KEY_CHANGED: (
        "Server {server} memakai kunci tanda tangan yang berbeda dengan kunci yang tercatat di "
        "komputer ini sejak login pertama: bisa jadi ini bukan server Silon yang sebenarnya. "
        "Login ditolak dan tidak ada yang diubah. Jangan masuk dulu; hubungi admin Silon di "
        "KPU dan sebutkan pesan ini."
    ),
    ErrorCode.LOGIN_SERVER_KEY_UNCHECKED: (
        "Server {server} tidak menunjukkan kunci tanda tangannya, sehingga tidak dapat "
        "dipastikan bahwa ini server yang sama dengan saat login pertama di komputer ini. "
        "Login ditolak dan tidak ada yang diubah. Coba lagi sebentar lagi; bila tetap begini, "
        "hubungi admin Silon di KPU dan sebutkan pesan ini."
    ),
    ErrorCode.PASSWORD_CURRENT_EMPTY: "Kata sandi sekarang: wajib diisi.",
    ErrorCode.PASSWORD_TOO_SHORT: (
        "Kata sandi baru: terlalu pendek, paling sedikit {min} karakter."
    ),
    ErrorCode.PASSWORD_TOO_LONG: "Kata sandi baru: terlalu panjang, paling banyak {max} karakter.",
    ErrorCode.PASSWORD_SAME: (
        "Kata sandi baru: sama dengan kata sandi sekarang. Pilih kata sandi lain."
    ),
    ErrorCode.PASSWORD_MISMATCH: (
        "Ulangi kata sandi baru: tidak sama dengan kata sandi baru. Ketik keduanya lagi."
    ),
    ErrorCode.PASSWORD_WRONG_CURRENT: (
        "Kata sandi sekarang: salah. Kata sandi tidak diganti (percobaan yang salah "
        "dihitung seperti login yang salah)."
    ),
    ErrorCode.PASSWORD_PRACTICE: (
        "LATIHAN: kata sandi akun latihan tidak dapat diganti, agar kata sandi di kartu "
        "meja tetap berlaku bagi peserta berikutnya di laptop ini. Kata sandi akun latihan "
        "diatur oleh pelatih."
    ),
    ErrorCode.PASSWORD_CHANGE_OFFLINE: (
        "Mengganti kata sandi perlu koneksi ke server, dan server tidak dapat dihubungi. "
        "Kata sandi tidak diganti; coba lagi setelah komputer ini terhubung."
    ),
    ErrorCode.OBJECTION_CONTACT_OFFLINE: (
        "Kontak pelapor hanya ada di server dan server tidak dapat dihubungi. "
        "Coba lagi setelah komputer ini terhubung."
    ),
    ErrorCode.PASSWORD_CHANGE_LOGIN_AGAIN: (
        "Mengganti kata sandi perlu sesi daring, dan sesi ini sudah berakhir atau dibuka "
        "tanpa koneksi. Keluar akun, masuk lagi dengan Masuk, lalu ganti kata sandi."
    ),
    ErrorCode.PASSWORD_CHANGE_UNSURE: (
        "Jawaban server tidak sampai, jadi belum pasti kata sandi sudah diganti. Sampai "
        "login daring berikutnya, kata sandi lama dan baru sama-sama membuka data di "
        "komputer ini; saat server dapat dihubungi, masuklah dengan kata sandi baru (bila "
        "ditolak, kata sandi lama masih berlaku)."
    ),
    ErrorCode.PASSWORD_CHANGED_MEANWHILE: (
        "Akun ini diubah administrator (kata sandinya direset atau akunnya dinonaktifkan) "
        "saat kata sandi diperiksa. Kata sandi tidak diganti; keluar akun, lalu masuk lagi "
        "dengan kata sandi dari administrator."
    ),
    ErrorCode.PASSWORD_NEW_REFUSED: (
        "Kata sandi baru: tidak memenuhi aturan kata sandi server ini (panjangnya). Kata "
        "sandi tidak diganti; pilih kata sandi lain."
    ),
    ErrorCode.PASSWORD_CURRENT_REFUSED: (
        "Kata sandi sekarang: tidak diterima server (kosong atau terlalu panjang). Kata "
        "sandi tidak diganti; ketik lagi kata sandi sekarang."
    ),
    ErrorCode.LOGIN_SERVER_KEY_UNPROVEN: (
        "Server {server} tidak dapat membuktikan bahwa ia memegang kunci tanda "
        "tangannya: jawabannya tidak ditandatangani dengan kunci itu. Bisa jadi ada "
        "pihak lain di antara komputer ini dan server Silon. Login ditolak dan tidak "
        "ada yang diubah. Jangan masuk dulu; hubungi admin Silon di KPU dan sebutkan "
        "pesan ini."
    ),
    ErrorCode.LOGIN_REFUSAL_UNPROVEN: (
        "Server menolak masuk dengan kata sandi ini, tetapi penolakan itu tidak "
        "ditandatangani dengan kunci server Silon yang tercatat di komputer ini, jadi "
        "tidak dapat dipastikan berasal dari server; bisa jadi dari pihak lain di antara "
        "komputer ini dan server. Data di komputer ini tidak dikunci dan tidak ada yang "
        "diubah: kata sandi ini tetap membukanya. Coba masuk lagi dari jaringan yang "
        "tepercaya; bila kata sandi memang diganti atau akun dinonaktifkan, hubungi admin "
        "Silon di KPU."
    ),
    ErrorCode.KEYRING_UNREADABLE: (
        "Tempat penyimpanan kata sandi sistem (keyring) di komputer ini tidak dapat "
        "dibaca, mungkin karena masih terkunci. Buka kuncinya (atau keluar lalu masuk lagi "
        "ke akun komputer ini), lalu coba lagi. Kunci tanda tangan perangkat ini tidak "
        "diganti dan tidak ada yang diubah."
    ),
    ErrorCode.KEYRING_UNREACHABLE: (
        "Kunci tanda tangan perangkat ini disimpan di tempat penyimpanan kata sandi sistem "
        "(keyring), tetapi keyring itu tidak terjangkau dari sesi ini (misalnya lewat SSH "
        "atau tugas terjadwal) atau masih terkunci. Tidak ada kunci baru yang dibuat dan "
        "tidak ada yang diubah: jalankan program atau perintah ini dari sesi desktop akun "
        "komputer yang sama setelah keyring terbuka, lalu coba lagi. Bila keyring itu memang hilang (akun "
        "komputer dibuat ulang), hapus berkas device_key.pub di folder data {folder}, lalu "
        "masuk secara daring agar kunci baru didaftarkan ke server."
    ),
    ErrorCode.LOGIN_ONLINE_REQUIRED: (
        "Server dapat dihubungi: masuklah secara daring (tombol Masuk)."
    ),
    ErrorCode.LOGIN_LOCKED: (
        "Data di komputer ini dikunci karena akses dicabut oleh server. Data hanya dapat dibuka lagi setelah masuk secara daring dengan akun yang sah."
    ),
    ErrorCode.LOGIN_NO_DATA_KEY: (
        "Data di komputer ini tidak dapat dibuka dengan akun {user}. Masuklah dengan akun yang biasa memakai komputer ini."
    ),
    ErrorCode.LOGIN_PRACTICE_REAL_DATA: (
        "Akun {user} adalah akun latihan, sedangkan folder data di komputer ini berisi data "
        "yang bukan data latihan (belum dienkripsi): data itu tidak dibuka dan tidak diubah. "
        "Masuklah dengan akun yang biasa memakai komputer ini; untuk berlatih pakai folder "
        "data baru (--data-dir) atau jalankan Silon Desktop dengan --training."
    ),
    ErrorCode.LOGIN_KEY_FILE_MISSING: (
        "Berkas kunci data silon.key tidak ada di folder data {folder}, padahal basis data di sana terenkripsi: tanpa berkas itu data tidak dapat dibuka, dan tidak ada yang diubah. Kembalikan silon.key ke folder itu (dari salinan folder data), lalu masuk lagi; bila tidak ada salinannya, minta bantuan admin TI: perubahan yang sudah terkirim tetap ada di server."
    ),
    ErrorCode.LOGIN_REGION_LEFT: (
        "Akun {user} kini untuk wilayah {new}, sedangkan data di komputer ini milik wilayah {old}: data itu tidak lagi dibuka dengan akun ini dan komputer ini dikunci untuk akun ini. Rekan dari wilayah {old} tetap dapat masuk dengan akun mereka sendiri; untuk wilayah {new} gunakan folder data baru."
    ),
    ErrorCode.LOGIN_PASSWORD_NEEDED: (
        "Data di komputer ini terenkripsi: isi kata sandi di variabel SILON_PASSWORD atau jalankan perintah di terminal agar kata sandi ditanyakan."
    ),
    ErrorCode.LOGIN_FIRST: (
        "Belum ada yang masuk di folder data {folder}, jadi belum ada basis data. Masuk dulu (silon-desktop login --user NAMA, atau jendela masuk aplikasi; masuk pertama memerlukan koneksi ke server): sejak itu data disimpan terenkripsi."
    ),
    ErrorCode.ACCESS_REVOKED: (
        "Akses akun ini dicabut oleh server; data di komputer ini dikunci. Masuk lagi secara daring dengan akun yang sah."
    ),
    ErrorCode.IDLE_LOCKED: (
        "Jendela dikunci karena lama tidak digunakan. Semua yang sudah diketik tersimpan; masuk lagi dengan kata sandi Anda untuk melanjutkan."
    ),
    ErrorCode.IDLE_LOCKED_UNSAVED: (
        "Jendela dikunci karena lama tidak digunakan. Isian {fields} tidak tersimpan karena isinya belum benar; yang lain tersimpan. Masuk lagi dengan kata sandi Anda untuk melanjutkan."
    ),
    ErrorCode.SERVER_LINK: "Gagal berkomunikasi dengan server.",
    ErrorCode.SERVER_OFFLINE: (
        "Server tidak dapat dihubungi. Data tetap aman tersimpan di komputer ini."
    ),
    ErrorCode.TLS_FAILED: (
        "Sambungan aman ke server gagal: sertifikat server tidak dapat diverifikasi. "
        "Periksa tanggal dan jam komputer, dan berkas CA di pengaturan."
    ),
    ErrorCode.CA_BUNDLE_MISSING: "Berkas CA {path} tidak ditemukan; periksa pengaturan.",
    ErrorCode.AUTH_EXPIRED: "Silakan masuk lagi.",
    ErrorCode.FORBIDDEN: "Akun ini tidak berhak melakukan tindakan tersebut.",
    ErrorCode.SERVER_REFUSED: "Server menolak permintaan.",
    ErrorCode.SERVER_BUSY: "Server sedang menolak permintaan; coba lagi dalam {minutes} menit.",
    ErrorCode.BAD_ANSWER: "Jawaban server tidak dapat dibaca.",
    ErrorCode.PRACTICE_SERVER_RESET: (
        "Server latihan sudah diatur ulang (reset): data latihan di laptop ini berasal dari "
        "sesi sebelumnya dan tidak cocok lagi. Mulai dari awal untuk menghapus data latihan "
        "di laptop ini dan mengambil data latihan yang baru."
    ),
    ErrorCode.PRACTICE_SERVER_REAL_DATA: (
        "Server ini server latihan, sedangkan data di komputer ini berasal dari server "
        "sungguhan: tidak ada yang dikirim ke server latihan atau diambil darinya. "
        "Periksa alamat server di Pengaturan; untuk berlatih jalankan Silon Desktop "
        "dengan --training."
    ),
    ErrorCode.PRACTICE_SERVER_UNSENT_DATA: (
        "Server ini server latihan, sedangkan di komputer ini ada data yang diketik di sini "
        "dan belum pernah dikirim ke server mana pun: data itu bisa jadi data sungguhan, jadi "
        "tidak dikirim ke server latihan dan tidak dijadikan data latihan. Periksa alamat "
        "server di Pengaturan dan kirim data itu ke server sungguhan; untuk berlatih jalankan "
        "Silon Desktop dengan --training atau pakai folder data baru (--data-dir)."
    ),
    ErrorCode.PRACTICE_DATA_REAL_SERVER: (
        "Data di komputer ini adalah data latihan, sedangkan server ini server sungguhan: "
        "tidak ada yang dikirim atau diambil. Untuk berlatih jalankan Silon Desktop "
        "dengan --training; untuk bekerja pakai folder data sungguhan."
    ),
    ErrorCode.PRACTICE_UNSENT_KEPT: (
        "Data di laptop ini tidak dihapus: ada data yang diketik atau diubah di sini dan belum "
        "pernah diterima server mana pun, bisa jadi data sungguhan dari versi Silon Desktop "
        "sebelumnya. Kirim data itu ke server yang benar atau minta bantuan admin TI; "
        "untuk berlatih pakai folder data baru (--data-dir)."
    ),
    ErrorCode.PRACTICE_STARTED_OVER: (
        "LATIHAN: data latihan di laptop ini dibuat oleh akun latihan lain atau sebelum "
        "server latihan diatur ulang, dan tidak terbuka untuk {user}. Data latihan itu "
        "dihapus dan latihan dimulai dari awal; data latihan yang baru diambil dari server "
        "latihan."
    ),
    ErrorCode.SYNC_SERVER_KEY_CHANGED: (
        "Sinkronisasi dengan server {server} dihentikan: server memakai kunci tanda tangan yang "
        "berbeda dengan kunci yang tercatat di komputer ini sejak login pertama, bisa jadi ini "
        "bukan server Silon yang sebenarnya. Tidak ada yang dikirim atau diambil; perubahan "
        "Anda tetap tersimpan di komputer ini. Hubungi admin Silon di KPU dan sebutkan pesan ini."
    ),
    ErrorCode.SYNC_SERVER_KEY_UNPROVEN: (
        "Sinkronisasi dengan server {server} dihentikan: server tidak dapat membuktikan "
        "bahwa ia memegang kunci tanda tangannya, bisa jadi ada pihak lain di antara "
        "komputer ini dan server Silon. Tidak ada yang dikirim atau diambil; perubahan "
        "Anda tetap tersimpan di komputer ini. Hubungi admin Silon di KPU dan sebutkan "
        "pesan ini."
    ),
    ErrorCode.SYNC_REVOKED_UNPROVEN: (
        "Sinkronisasi dihentikan: ada jawaban bahwa akses akun ini dicabut, tetapi "
        "jawaban itu tidak ditandatangani dengan kunci server Silon yang tercatat di "
        "komputer ini, bisa jadi dari pihak lain di antara komputer ini dan server. Data "
        "di komputer ini tidak dikunci dan tetap dapat dibuka dengan kata sandi Anda. "
        "Masuk lagi secara daring, sebaiknya dari jaringan yang tepercaya; bila akses "
        "memang dicabut, hubungi admin Silon di KPU."
    ),
    ErrorCode.BUNDLE_NOT_BUNDLE: "Berkas {name} bukan bundel sinkronisasi Silon.",
    ErrorCode.BUNDLE_TRUNCATED: (
        "Bundel {name} terpotong (berkas tidak lengkap). Salin ulang berkasnya."
    ),
    ErrorCode.BUNDLE_DAMAGED: "Bundel {name} rusak dan tidak dapat dibuka.",
    ErrorCode.BUNDLE_UNREADABLE: "Isi bundel {name} tidak dapat dibaca.",
    ErrorCode.BUNDLE_UNKNOWN_KIND: "Jenis bundel {name} tidak dikenal.",
    ErrorCode.BUNDLE_WRONG_KIND: "Jenis bundel {name} salah untuk perintah ini.",
    ErrorCode.BUNDLE_UNSIGNED: "Bundel {name} tidak bertanda tangan; bundel ditolak.",
    ErrorCode.BUNDLE_UNTRUSTED_KEY: (
        "Bundel {name} ditandatangani oleh kunci yang tidak dikenal, bukan kunci server yang "
        "tercatat di komputer ini; bundel ditolak dan tidak ada yang diubah."
    ),
    ErrorCode.BUNDLE_BAD_SIGNATURE: (
        "Tanda tangan bundel {name} tidak sah (isi telah diubah); bundel ditolak."
    ),
    ErrorCode.BUNDLE_MALFORMED: "Isi bundel {name} tidak sesuai format.",
    ErrorCode.BUNDLE_DISK_FULL: (
        "Ruang pada flashdisk atau disk tujuan penuh; bundel tidak ditulis."
    ),
    ErrorCode.BUNDLE_NOT_WRITTEN: (
        "Bundel tidak dapat ditulis ke {path}: periksa flashdisk atau foldernya."
    ),
    ErrorCode.BUNDLE_FILE_UNREADABLE: "Berkas bundel {name} tidak dapat dibaca.",
    ErrorCode.BUNDLE_NO_SERVER_KEY: (
        "Kunci server belum dikenal di komputer ini; masuk (login) ke server sekali "
        "atau sinkronkan secara daring terlebih dahulu."
    ),
    ErrorCode.BUNDLE_EXPORT_CANCELLED: "Ekspor bundel dibatalkan; tidak ada yang ditulis.",
    ErrorCode.SEALED_NOT_SEALED: "Berkas ini bukan bundel terenkripsi Silon.",
    ErrorCode.SEALED_DAMAGED: "Bundel terenkripsi rusak.",
    ErrorCode.SEALED_OTHER_RECIPIENT: (
        "Bundel ini dienkripsi untuk penerima lain dan tidak dapat dibuka di sini."
    ),
    ErrorCode.SEALED_CHANGED: (
        "Bundel terenkripsi rusak, terpotong atau telah diubah; bundel ditolak."
    ),
    ErrorCode.BUNDLE_INFLATES_TOO_FAR: (
        "Bundel {name} ditolak: isinya setelah dibuka jauh lebih besar dari wajar (lebih "
        "dari {limit} byte dari {size} byte); berkas ini bukan bundel Silon yang sah."
    ),
    ErrorCode.BUNDLE_FILE_TOO_LARGE: (
        "Berkas {name} terlalu besar untuk sebuah bundel ({size} byte); bundel ditolak."
    ),
    ErrorCode.BUNDLE_SEALED: (
        "Bundel {name} terenkripsi untuk server dan hanya dapat dibuka di sana; "
        "bawa bundel ini ke server (silon-server bundle import)."
    ),
    ErrorCode.BUNDLE_SEALED_DAMAGED: (
        "Bundel {name} terenkripsi tetapi rusak atau terpotong; minta bundel baru dari server."
    ),
    ErrorCode.BUNDLE_SEALED_OTHER: (
        "Bundel {name} terenkripsi untuk penerima lain dan tidak dapat dibuka di sini: "
        "bundel perubahan dari kantor dibuka di server (silon-server bundle import); "
        "bundel dari server hanya dapat dibuka di komputer dan akun yang disebut saat dibuat."
    ),
    ErrorCode.BUNDLE_NO_BOX_KEY: (
        "Kunci enkripsi server belum dikenal di komputer ini; masuk (login) atau "
        "sinkronkan sekali selagi terhubung ke server, lalu ekspor lagi."
    ),
    ErrorCode.BUNDLE_OTHER_DEVICE: (
        "Bundel {name} ditandatangani oleh perangkat lain yang tidak dikenal komputer ini; "
        "perubahan orang lain tidak diantrekan atas nama Anda. Bawa bundel ini ke "
        "server (silon-server bundle import)."
    ),
    ErrorCode.BUNDLE_OTHER_USER: (
        "Bundel {name} berisi perubahan pengguna {user}, bukan pengguna yang sedang masuk; "
        "bundel ditolak."
    ),
    ErrorCode.BUNDLE_OTHER_REGION: (
        "Bundel {name} berisi data wilayah {scope}, bukan wilayah akun ini ({own}); "
        "bundel ditolak dan tidak ada yang diubah. Minta bundel untuk wilayah {own} "
        "dari server (silon-server bundle export --scope {own})."
    ),
    ErrorCode.BUNDLE_OTHER_SERVER: (
        "Bundel {name} ditandatangani oleh kunci yang tidak dikenal: bundel itu dibuat oleh "
        "server lain, bukan server tempat komputer ini masuk (misalnya bundel dari server "
        "latihan Bimtek di komputer kantor, atau sebaliknya). Bundel ditolak dan tidak ada "
        "yang diubah; minta bundel dari server Anda."
    ),
    ErrorCode.SNAPSHOT_NOT_SNAPSHOT: "Berkas ini bukan snapshot Silon.",
    ErrorCode.SNAPSHOT_UNSIGNED: "Snapshot tidak bertanda tangan; ditolak.",
    ErrorCode.SNAPSHOT_UNTRUSTED_KEY: (
        "Snapshot ditandatangani oleh kunci yang bukan kunci server ini; ditolak."
    ),
    ErrorCode.SNAPSHOT_BAD_SIGNATURE: (
        "Tanda tangan snapshot tidak sah (isi telah diubah); ditolak."
    ),
    ErrorCode.SNAPSHOT_MALFORMED: "Isi snapshot tidak sesuai format.",
    ErrorCode.SNAPSHOT_PART_DAMAGED: "Bagian snapshot rusak atau telah diubah; ditolak.",
    ErrorCode.SNAPSHOT_UNREADABLE: "Berkas ini bukan snapshot Silon atau rusak.",
    ErrorCode.SNAPSHOT_TRUNCATED: (
        "Snapshot terpotong (berkas tidak lengkap). Salin ulang berkasnya."
    ),
    ErrorCode.SNAPSHOT_TRAILING: "Snapshot berisi data tambahan; ditolak.",
    ErrorCode.SNAPSHOT_DAMAGED: "Snapshot rusak atau terpotong. Salin ulang berkasnya.",
    ErrorCode.SNAPSHOT_INCOMPLETE: "Snapshot tidak lengkap; ditolak.",
    ErrorCode.SNAPSHOT_NO_SERVER_KEY: (
        "Kunci server belum dikenal di komputer ini; masuk (login) ke server sekali, "
        "atau berikan kuncinya dengan --server-key."
    ),
    ErrorCode.CONFLICT_UNKNOWN_CHOICE: "Pilihan '{choice}' tidak dikenal (mine, theirs, edited).",
    ErrorCode.CONFLICT_NOT_FOUND: "Konflik {conflict_id} tidak ditemukan.",
    ErrorCode.CONFLICT_RESOLVED: "Konflik {conflict_id} sudah diselesaikan.",
    ErrorCode.CONFLICT_RECORD_MISSING: "Data {entity} {record_id} tidak ada di komputer ini.",
    ErrorCode.CONFLICT_RECORD_DELETED: (
        "Data ini sudah dihapus; perubahan tidak dapat diterapkan."
    ),
    ErrorCode.CONFLICT_DELETED_ON_SERVER: (
        "Data ini sudah dihapus di server dan tidak dapat dipulihkan dari sini; "
        "pilih 'theirs' atau masukkan data sebagai data baru."
    ),
    ErrorCode.VERDICT_FIELD_NO_BMS: (
        "Verifikasi faktual hanya MS atau TMS: pilih alasan TMS atau tandai MS."
    ),
    ErrorCode.VERDICT_NO_BMS_AFTER_CORRECTION: (
        "{count} pendukung masuk pada masa perbaikan: setelah verifikasi perbaikan tidak ada "
        "lagi BMS. Pilih MS atau TMS (Tidak memenuhi syarat)."
    ),
    ErrorCode.VERDICT_FIELD_NEEDS_ADMIN_MS: (
        "{count} pendukung belum MS pada verifikasi administrasi: verifikasi faktual hanya "
        "untuk pendukung yang MS pada verifikasi administrasi."
    ),
    ErrorCode.VERDICT_FIELD_CLOSED: (
        "Verifikasi faktual pemilihan ini sudah ditutup pada {end}: server menolak "
        "hasil verifikasi faktual yang diberikan sesudahnya."
    ),
    ErrorCode.VERDICT_ADMIN_CLOSED: (
        "{count} pendukung masuk pada penyerahan dukungan: verifikasi administrasinya sudah "
        "ditutup pada {end} (Akhir verifikasi administrasi), dan server menolak hasil "
        "verifikasi administrasi yang diberikan sesudahnya."
    ),
    ErrorCode.WRITE_OUTSIDE_SHARE: (
        "Data ini di luar yang boleh diubah akun wilayah {region}: server menolak "
        "perubahannya, jadi tidak disimpan. Data pemilihan gubernur diubah KPU Provinsi; "
        "KPU kabupaten/kota mengubah pendukung yang tinggal di wilayahnya."
    ),
    ErrorCode.ACCOUNT_READ_ONLY: (
        "Akun Bawaslu hanya dapat melihat data: Bawaslu mengawasi dan tidak mengubah data "
        "pencalonan, jadi perubahan ini tidak disimpan (server juga menolaknya)."
    ),
    ErrorCode.ELECTION_FIELD_SET_ABOVE: (
        "'{field}' pemilihan ini sudah diisi dan ditetapkan oleh KPU Provinsi atau KPU RI: "
        "server menolak perubahannya dari akun kabupaten/kota, jadi tidak disimpan."
    ),
    ErrorCode.ELECTION_MADE_ABOVE: (
        "'{field}' diisi oleh KPU di atas akun ini: pemilihan ini dibuat oleh KPU Provinsi "
        "atau KPU RI, yang mengisinya, jadi server menolak isian dari akun kabupaten/kota "
        "dan isian ini tidak disimpan."
    ),
    ErrorCode.PAIR_CANDIDATE_UNDERAGE: (
        "'{field}' tidak disimpan: pasangan calon yang Ditetapkan harus memenuhi syarat "
        "usia, sedangkan {role} berusia {age} tahun pada tanggal penetapan {date}, kurang "
        "dari syarat paling rendah {minimum} tahun."
    ),
    ErrorCode.WITHDRAW_UNKNOWN_REASON: "Alasan penarikan tidak dikenal: {reason}.",
    ErrorCode.WITHDRAW_NOTE_REQUIRED: "Alasan 'Lainnya': tulis catatan penarikannya.",
    ErrorCode.MERGE_SAME_ROW: "Pilih dua data pendukung yang berbeda untuk digabungkan.",
    ErrorCode.MERGE_ROW_GONE: "Salah satu data sudah ditarik atau tidak ada.",
    ErrorCode.MERGE_OTHER_PAIR: "Kedua data bukan pendukung pasangan yang sama.",
    ErrorCode.MERGE_UNKNOWN_FIELDS: "Kolom ini tidak dapat diambil: {fields}.",
    ErrorCode.RESTORE_NOT_FOUND: "Data pendukung tidak ditemukan.",
    ErrorCode.RESTORE_NOT_WITHDRAWN: "Dukungan ini tidak sedang ditarik.",
    ErrorCode.RESTORE_PAIR_GONE: (
        "Pasangan calon pendukung ini sudah dihapus; dukungannya tidak dapat dipulihkan."
    ),
}

#: FIELD_REFUSED by the store itself: problem -> template (``{field}``: the field's label)
FIELD_PROBLEM_TEXTS_ID: dict[str, str] = {
    "unknown_entity": "Jenis data '{field}' tidak dikenal.",
    "unknown_field": "Kolom '{field}' tidak dikenal.",
    "read_only": "Kolom '{field}' tidak boleh diubah dari aplikasi ini.",
    "wrong_type": "Isi kolom '{field}' tidak sesuai jenisnya.",
    "too_long": "Isi kolom '{field}' terlalu panjang.",
    "control_chars": "Isi kolom '{field}' mengandung karakter yang tidak diperbolehkan.",
    "invalid_date": "Tanggal pada kolom '{field}' tidak valid.",
    "invalid_value": "Isi kolom '{field}' tidak valid.",
    "required": "Kolom '{field}' wajib diisi.",
    "not_found": "Data yang dimaksud ({field}) tidak ditemukan.",
    "deleted": "Data yang dimaksud ({field}) sudah dihapus.",
    "exists": "Data dengan id ini ({field}) sudah ada.",
    "no_parent": "Data induk pada kolom '{field}' tidak ditemukan.",
    "scope_mismatch": "Wilayah data tidak sama dengan wilayah data induknya.",
    "out_of_range": "Angka pada kolom '{field}' di luar batas.",
}

#: how a list of column names is joined in IMPORT_MISSING_COLUMNS, and their names
AND_ID = " dan "
IMPORT_COLUMN_NAMES_ID = {"nik": "NIK", "name": "NAMA"}


#: printed by the commands that write citizens' personal data to a file the operator
#: named (B.1.1 list, outbox bundle, import report); the UI shows its own tr() words
PERSONAL_DATA_WARNING_ID = (
    "Peringatan: berkas {name} berisi data pribadi warga (NIK, nama, tanggal lahir, "
    "alamat). Simpan hanya di tempat yang hanya Anda dapat buka, jangan dibagikan, dan "
    "hapus bila tidak diperlukan lagi (UU PDP 27/2022)."
)


def personal_data_warning(name: str) -> str:
    """:data:`PERSONAL_DATA_WARNING_ID` for the file ``name``."""
    return PERSONAL_DATA_WARNING_ID.replace("{name}", name)


def _same(text: str) -> str:
    return text


def say(
    code: ErrorCode, params: Mapping[str, str] | None = None, translate: Translate = _same
) -> str:
    """The words for ``code`` with its ``params`` filled in (Indonesian unless a
    ``translate`` is given)."""
    values = dict(params or {})
    template = ERROR_TEXTS_ID.get(code, ERROR_TEXTS_ID[ErrorCode.DB_UNUSABLE])
    if code is ErrorCode.FIELD_REFUSED:
        return _field_refused(values, translate)
    if code is ErrorCode.IMPORT_MISSING_COLUMNS:
        names = values.get("columns", "").split(",")
        values["columns"] = translate(AND_ID).join(
            IMPORT_COLUMN_NAMES_ID.get(n.strip(), n.strip()) for n in names
        )
    return _fill(translate(template), values)


def _field_refused(values: dict[str, str], translate: Translate) -> str:
    """A refused value: the domain's sentence when it has one (``message_id``), else the
    store's own template, else the generic one."""
    from silon_desktop.domain.labels import FIELD_LABELS_ID
    from silon_desktop.domain.messages import MESSAGES_ID, TYPE_NAMES_ID

    field, problem = values.get("field", ""), values.get("problem", "")
    label = FIELD_LABELS_ID.get(field, field)
    message_id = values.get("message_id", "")
    if message_id:
        named = values.get("label", "")
        detail = values.get("detail", "")
        if problem == "wrong_type":
            detail = TYPE_NAMES_ID.get(detail, detail)
        text = translate(MESSAGES_ID.get(message_id, "Isian tidak sah ({detail})."))
        return f"{FIELD_LABELS_ID.get(named, named) or 'Data'}: {text.replace('{detail}', detail)}"
    template = FIELD_PROBLEM_TEXTS_ID.get(problem, ERROR_TEXTS_ID[ErrorCode.FIELD_REFUSED])
    return _fill(translate(template), {"field": label, "problem": problem})


def _fill(template: str, values: Mapping[str, str]) -> str:
    """``{name}`` -> value; unknown or missing names stay as they are (never raises)."""
    out = template
    for key, value in values.items():
        out = out.replace("{" + key + "}", value)
    return out
