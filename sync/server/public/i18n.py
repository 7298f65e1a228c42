"""The public pages' words: Indonesian first, English on ``?lang=en`` (or the cookie)."""

from __future__ import annotations

import datetime as dt

from silon_desktop.domain.codes import ReasonCode
from silon_desktop.domain.labels import ROUND_LABELS_ID, reason_label_id
from silon_desktop.domain.rules import Round

LANGS = ("id", "en")
DEFAULT_LANG = "id"
COOKIE = "silon_lang"

STRINGS: dict[str, dict[str, str]] = {
    "site_title": {"id": "Silon Publik", "en": "Silon Public"},
    "practice": {"id": "LATIHAN", "en": "PRACTICE"},
    "practice_banner": {
        "id": "LATIHAN: data latihan Bimtek, bukan data pencalonan sebenarnya.",
        "en": "PRACTICE: Bimtek training data, not real candidacy data.",
    },
    "site_sub": {
        "id": "Informasi pencalonan pemilihan kepala daerah, terbuka untuk siapa saja",
        "en": "Candidacy information of the regional elections, open to anyone",
    },
    "elections": {"id": "Pemilihan", "en": "Elections"},
    "no_elections": {"id": "Belum ada pemilihan.", "en": "No elections yet."},
    "pairs": {"id": "Pasangan calon", "en": "Candidate pairs"},
    "pair": {"id": "Pasangan calon", "en": "Candidate pair"},
    "number": {"id": "Nomor", "en": "Number"},
    "no_pairs": {"id": "Belum ada pasangan calon.", "en": "No candidate pairs yet."},
    "stages": {"id": "Tahapan dan jadwal", "en": "Stages and dates"},
    "stage": {"id": "Tahapan", "en": "Stage"},
    "date": {"id": "Tanggal", "en": "Date"},
    "support_period": {"id": "Penyerahan dukungan", "en": "Submission of support"},
    "vermin_end": {"id": "Verifikasi administrasi selesai", "en": "Administrative check ends"},
    "correction_end": {"id": "Perbaikan dukungan selesai", "en": "Correction of support ends"},
    "verfak_end": {"id": "Verifikasi faktual selesai", "en": "Field verification ends"},
    "registration_date": {"id": "Pendaftaran pasangan calon", "en": "Registration of pairs"},
    "penetapan_date": {"id": "Penetapan pasangan calon", "en": "Designation of pairs"},
    "route": {"id": "Jalur", "en": "Route"},
    "route_partai": {"id": "Partai politik", "en": "Political parties"},
    "route_perseorangan": {"id": "Perseorangan", "en": "Independent"},
    "status": {"id": "Status", "en": "Status"},
    "status_draft": {"id": "Persiapan", "en": "Preparing"},
    "status_diajukan": {"id": "Diajukan", "en": "Submitted"},
    "status_ditetapkan": {"id": "Ditetapkan", "en": "Designated"},
    "status_ditolak": {"id": "Ditolak", "en": "Rejected"},
    "kind_gubernur": {"id": "Gubernur dan Wakil Gubernur", "en": "Governor and Deputy"},
    "kind_bupati": {"id": "Bupati dan Wakil Bupati", "en": "Regent and Deputy"},
    "kind_walikota": {"id": "Wali Kota dan Wakil Wali Kota", "en": "Mayor and Deputy"},
    "dpt": {"id": "Pemilih (DPT)", "en": "Registered voters (DPT)"},
    "threshold": {"id": "Syarat minimal dukungan", "en": "Support required"},
    "spread": {"id": "Sebaran minimal", "en": "Spread required"},
    "not_known": {"id": "belum ditetapkan", "en": "not set yet"},
    "source_decree": {"id": "keputusan KPU", "en": "KPU decree"},
    "source_computed": {"id": "dihitung menurut UU 10/2016", "en": "computed by Law 10/2016"},
    "no_area": {"id": "(tanpa wilayah)", "en": "(no area)"},
    "spread_unit_kec": {"id": "kecamatan", "en": "districts"},
    "spread_unit_kab": {"id": "kabupaten/kota", "en": "regencies/cities"},
    "subregion_kec": {"id": "Kecamatan", "en": "District (kecamatan)"},
    "subregion_kab": {"id": "Kabupaten/kota", "en": "Regency/city"},
    "documents": {"id": "Dokumen persyaratan", "en": "Requirement documents"},
    "requirement": {"id": "Persyaratan", "en": "Requirement"},
    "head": {"id": "Calon kepala", "en": "Head candidate"},
    "deputy": {"id": "Calon wakil", "en": "Deputy candidate"},
    "complete": {"id": "Lengkap", "en": "Complete"},
    "incomplete": {"id": "Belum lengkap", "en": "Incomplete"},
    "doc_belum": {"id": "Belum diserahkan", "en": "Not submitted"},
    "doc_ada": {"id": "Diserahkan, belum diperiksa", "en": "Submitted, not checked"},
    "doc_sesuai": {"id": "Sesuai", "en": "Valid"},
    "doc_tidak_sesuai": {"id": "Tidak sesuai", "en": "Not valid"},
    "roles_held_twice": {
        "id": "Pasangan ini tercatat dengan lebih dari satu calon kepala atau calon wakil."
        " Datanya tidak konsisten: semua calon ditampilkan, dan tidak ada persyaratan yang"
        " dinyatakan lengkap sampai KPU memperbaikinya.",
        "en": "This pair is recorded with more than one head or deputy candidate."
        " Its data is inconsistent: every candidate is shown, and no requirement is"
        " shown as complete until KPU corrects it.",
    },
    "support": {"id": "Dukungan", "en": "Support"},
    "support_none": {
        "id": "Pasangan jalur partai politik tidak memerlukan dukungan perseorangan.",
        "en": "Pairs nominated by parties need no individual support.",
    },
    "round": {"id": "Tahap", "en": "Round"},
    # The rounds' Indonesian is the desktop's one table (ROUND_LABELS_ID); their
    # English the desktop's translation of it (a test keeps them equal).
    **{
        f"round_{arrival.value}": {"id": ROUND_LABELS_ID[arrival], "en": english}
        for arrival, english in (
            (Round.SUBMISSION, "Submission of support"),
            (Round.CORRECTION_1, "Correction I"),
            (Round.CORRECTION_2, "Correction II"),
        )
    },
    "all_rounds": {"id": "Semua tahap", "en": "All rounds"},
    "submitted": {"id": "Diserahkan", "en": "Submitted"},
    "ms": {"id": "MS", "en": "MS"},
    "bms": {"id": "BMS", "en": "BMS"},
    "tms": {"id": "TMS", "en": "TMS"},
    "pending": {"id": "Belum diverifikasi", "en": "Not yet verified"},
    "ms_long": {"id": "Memenuhi syarat (MS)", "en": "Meets requirements (MS)"},
    "bms_long": {"id": "Belum memenuhi syarat (BMS)", "en": "Not yet meeting (BMS)"},
    "tms_long": {"id": "Tidak memenuhi syarat (TMS)", "en": "Does not meet (TMS)"},
    "withdrawn_long": {
        "id": "Data dukungan ditarik (tidak dihitung)",
        "en": "Support entry withdrawn (not counted)",
    },
    "verdict_note": {
        "id": "Hanya hasil verifikasi petugas yang dihitung; pemeriksaan otomatis tidak.",
        "en": "Only verification by officers counts; the automatic check does not.",
    },
    "ms_vs_threshold": {"id": "MS terhadap syarat minimal", "en": "MS against the threshold"},
    "spread_met": {"id": "wilayah dengan dukungan MS", "en": "areas with MS support"},
    "met": {"id": "terpenuhi", "en": "met"},
    "not_met": {"id": "belum terpenuhi", "en": "not met"},
    "total": {"id": "Jumlah", "en": "Total"},
    "objections": {"id": "Tanggapan masyarakat", "en": "Objections by citizens"},
    "objections_open": {"id": "belum ditindaklanjuti", "en": "open"},
    "objections_resolved": {"id": "sudah ditindaklanjuti", "en": "resolved"},
    "parties": {"id": "Partai pengusul", "en": "Nominating parties"},
    "party": {"id": "Partai", "en": "Party"},
    "seats": {"id": "Kursi", "en": "Seats"},
    "votes": {"id": "Suara", "en": "Votes"},
    "updated": {"id": "Pembaruan terakhir", "en": "Last update"},
    "never": {"id": "belum ada data", "en": "no data yet"},
    "open_data": {"id": "Data terbuka", "en": "Open data"},
    # The CSV opens in one column in an Excel set to Indonesian (list separator ";"):
    # the same table as a workbook, named for the program that opens it.
    "open_data_xlsx": {"id": "Excel (XLSX)", "en": "Excel (XLSX)"},
    "open_data_xlsx_hint": {
        "id": "Tabel yang sama dengan CSV, ditambah lembar pasangan calon dan pemilihan;"
        " terbuka per kolom di Excel berpengaturan apa pun",
        "en": "The same table as the CSV, plus sheets of the pairs and elections;"
        " in columns in Excel whatever its regional settings",
    },
    "open_data_license": {
        "id": "Data ini informasi publik (UU 14/2008 tentang Keterbukaan Informasi Publik):"
        " boleh digunakan kembali dengan menyebut KPU sebagai sumbernya.",
        "en": "This data is public information (Law 14/2008 on Public Information"
        " Disclosure): it may be reused with attribution to KPU.",
    },
    "audit_head": {"id": "Kepala log audit", "en": "Audit log head"},
    "audit_help": {
        "id": "Simpan baris ini; dengan itu siapa saja dapat membuktikan kelak bahwa riwayat tidak ditulis ulang (lihat docs/OPEN_DATA.md).",
        "en": "Keep this line; with it anyone can later prove the history was not rewritten (see docs/OPEN_DATA.md).",
    },
    "signature": {"id": "Tanda tangan server", "en": "Server signature"},
    "back": {"id": "Kembali", "en": "Back"},
    "lang_switch": {"id": "English", "en": "Bahasa Indonesia"},
    "check_title": {"id": "Cek dukungan", "en": "Check your support"},
    "check_intro": {
        "id": "Masukkan NIK dan tanggal lahir Anda untuk melihat apakah Anda tercatat sebagai pendukung pasangan calon perseorangan.",
        "en": "Enter your NIK and birth date to see whether you are listed as a supporter of an independent pair.",
    },
    "nik": {"id": "NIK (16 angka)", "en": "NIK (16 digits)"},
    "birth_date": {"id": "Tanggal lahir", "en": "Birth date"},
    "check_button": {"id": "Periksa", "en": "Check"},
    "check_bad_nik": {
        "id": "NIK harus 16 angka.",
        "en": "The NIK must be 16 digits.",
    },
    "check_bad_date": {
        "id": "Tanggal lahir tidak sah: tulis HH-BB-TTTT, misalnya 17-08-1990.",
        "en": "The birth date is not valid: write DD-MM-YYYY, e.g. 17-08-1990.",
    },
    "check_limited": {
        "id": "Terlalu banyak pemeriksaan. Coba lagi nanti.",
        "en": "Too many checks. Try again later.",
    },
    "check_not_listed": {
        "id": "Tidak ada dukungan yang cocok dengan NIK dan tanggal lahir ini.",
        "en": "No support matches this NIK and birth date.",
    },
    "check_listed": {
        "id": "Anda tercatat sebagai pendukung:",
        "en": "You are listed as a supporter of:",
    },
    "check_privacy": {
        "id": "Nama dan alamat tidak pernah ditampilkan. NIK tidak disimpan di log.",
        "en": "Names and addresses are never shown. The NIK is not kept in logs.",
    },
    "object_title": {"id": "Saya tidak mendukung", "en": "I do not support"},
    "object_intro": {
        "id": "Jika Anda tidak pernah memberikan dukungan ini, laporkan. KPU yang memverifikasi akan menindaklanjutinya.",
        "en": "If you never gave this support, report it. The KPU office verifying it will follow up.",
    },
    "contact": {
        "id": "Nomor telepon atau e-mail (tidak wajib)",
        "en": "Phone number or e-mail (optional)",
    },
    "contact_use": {
        "id": "Hanya KPU yang memverifikasi dukungan ini yang dapat melihatnya, untuk menghubungi Anda guna klarifikasi. Kontak dihapus setelah tanggapan Anda ditindaklanjuti.",
        "en": "Only the KPU office verifying this support can see it, to contact you for clarification. It is erased once your objection has been answered.",
    },
    "object_button": {"id": "Kirim tanggapan", "en": "Send objection"},
    "object_filed": {
        "id": "Tanggapan Anda sudah diterima dan diteruskan ke KPU yang memverifikasi.",
        "en": "Your objection was received and passed to the KPU office verifying it.",
    },
    "object_open": {
        "id": "Tanggapan Anda sedang ditindaklanjuti.",
        "en": "Your objection is being followed up.",
    },
    "object_resolved": {
        "id": "Tanggapan Anda sudah ditindaklanjuti. Hasil verifikasi:",
        "en": "Your objection was followed up. Verification result:",
    },
    "object_answered": {
        "id": "Tanggapan atas dukungan ini sudah ditindaklanjuti; hasil verifikasinya tertera di bawah. Tanggapan baru belum dapat dikirim lewat halaman ini. Jika Anda tetap tidak mendukung, datangi atau hubungi langsung kantor KPU kabupaten/kota tempat Anda tinggal dengan membawa KTP-el Anda.",
        "en": "An objection against this support was already followed up; the verification result is shown below. A new one cannot be sent through this page for now. If you still do not support it, visit or contact the KPU office of the regency or city where you live, bringing your e-KTP.",
    },
    "object_gone": {
        "id": "Dukungan ini sudah tidak tercatat (ditarik atau dihapus oleh KPU sejak halaman ini dibuka), sehingga tanggapan tidak dicatat. Periksa lagi NIK Anda untuk melihat keadaan terbaru.",
        "en": "This support is no longer on record (withdrawn or deleted by KPU since this page was opened), so the objection was not recorded. Check your NIK again to see where it stands now.",
    },
    "object_already_open": {
        "id": "Tanggapan atas dukungan ini sudah diterima dan sedang ditindaklanjuti oleh KPU yang memverifikasi; tanggapan ini tidak dicatat lagi. Hasilnya tertera di halaman ini setelah diverifikasi.",
        "en": "An objection against this support was already received and is being followed up by the KPU office verifying it; this one was not recorded again. The result is shown on this page once it has been verified.",
    },
    "object_bad_contact": {
        "id": "Kontak terlalu panjang atau berisi karakter tidak sah.",
        "en": "The contact is too long or holds invalid characters.",
    },
    "not_found": {"id": "Halaman tidak ditemukan.", "en": "Page not found."},
    "bad_method": {
        "id": "Halaman ini tidak dapat dibuka dengan cara itu.",
        "en": "This page cannot be opened that way.",
    },
}


def pick_lang(query: str | None, cookie: str | None) -> str:
    """The page language: the query, then the cookie, then Indonesian."""
    for value in (query, cookie):
        if value in LANGS:
            return str(value)
    return DEFAULT_LANG


def translator(lang: str) -> dict[str, str]:
    """``{key: text}`` in ``lang`` (Indonesian where a text has no translation)."""
    return {k: v.get(lang) or v[DEFAULT_LANG] for k, v in STRINGS.items()}


MONTHS = {
    "id": (
        "Januari", "Februari", "Maret", "April", "Mei", "Juni",
        "Juli", "Agustus", "September", "Oktober", "November", "Desember",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip


def long_date(iso: str | None, lang: str) -> str:
    """``2024-05-05`` as ``5 Mei 2024`` (or ``5 May 2024``); empty stays empty."""
    if not iso:
        return ""
    try:
        year, month, day = (int(p) for p in str(iso)[:10].split("-"))
    except ValueError:
        return str(iso)
    return f"{day} {MONTHS[lang][month - 1]} {year}"


def moment(epoch: float, lang: str) -> str:
    """A moment as a citizen reads it, in Western Indonesia Time (the stage deadlines'
    clock): ``6 Mei 2024 pukul 10.00.01 WIB`` (``6 May 2024, 10:00:01 WIB (UTC+7)``)."""
    from silon_desktop.domain.rules import WIB

    when = dt.datetime.fromtimestamp(epoch, WIB)
    day = long_date(when.date().isoformat(), lang)
    if lang == "id":
        return f"{day} pukul {when:%H.%M.%S} WIB"
    return f"{day}, {when:%H:%M:%S} WIB (UTC+7)"


def number(value: object, lang: str) -> str:
    """``55045`` as ``55.045`` (Indonesian) or ``55,045`` (English); None as a dash."""
    if value is None:
        return "–"
    try:
        text = f"{int(str(value)):,}"
    except ValueError:
        return str(value)
    return text.replace(",", ".") if lang == "id" else text


#: English words of the reason codes: the desktop's own English translation of each
#: Indonesian label (resources/i18n/silon_en.ts, context "labels"; a test keeps them equal).
REASONS_EN: dict[ReasonCode, str] = {
    ReasonCode.NIK_FORMAT: "NIK not in the right format",
    ReasonCode.NIK_REGION: "NIK region code unknown",
    ReasonCode.NIK_MISMATCH: "Birth date/sex does not match the NIK",
    ReasonCode.NIK_PRECISION: "NIK from a number cell (last digit may be lost)",
    ReasonCode.MISSING_FIELD: "Required data missing",
    ReasonCode.UNDERAGE: "Under 17 and never married",
    ReasonCode.OUTSIDE_REGION: "Domicile outside the election's region",
    ReasonCode.NOT_IN_DPT: "Not on the voter list (DPT)",
    ReasonCode.BANNED_OCCUPATION: (
        "Banned occupation (TNI/Polri/ASN/election official/village official)"
    ),
    ReasonCode.NO_ID_SCAN: "No e-ID scan / signature",
    ReasonCode.DUPLICATE_IDENTICAL: "Identical duplicate",
    ReasonCode.DUPLICATE_POTENTIAL: "Potential duplicate",
    ReasonCode.DUPLICATE_EXTERNAL: "External duplicate (supports another pair)",
    ReasonCode.DECEASED: "Deceased",
    ReasonCode.NOT_FOUND: "Not found after three visits",
    ReasonCode.DENIES_SUPPORT: "Denies support (BA.5-KWK)",
}


def reason(code: str, lang: str) -> str:
    """A reason code in the citizen's words (the desktop's wording), never the bare code."""
    if lang == "en":
        try:
            return REASONS_EN[ReasonCode(code)]
        except ValueError:
            return f"Other reason ({code})"
    return reason_label_id(code)
