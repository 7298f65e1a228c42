<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="id">
<context>
    <name>WithdrawDialog</name>
    <message>
        <source>Tarik dukungan</source>
        <translation>Withdraw support</translation>
    </message>
    <message>
        <source>Data pendukung &lt;b&gt;%1&lt;/b&gt; ditarik: tidak dihitung lagi, tetapi riwayatnya tetap tersimpan dan penarikan dikirim ke server.</source>
        <translation>Supporter &lt;b&gt;%1&lt;/b&gt; is withdrawn: no longer counted, but the history is kept and the withdrawal is sent to the server.</translation>
    </message>
    <message>
        <source>mis. surat penarikan dukungan tanggal ...</source>
        <translation>e.g. letter withdrawing support dated ...</translation>
    </message>
    <message>
        <source>Alasan</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>Catatan</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>Tarik</source>
        <translation>Withdraw</translation>
    </message>
</context>
<context>
    <name>MergeDialog</name>
    <message>
        <source>Gabungkan data ganda</source>
        <translation>Merge duplicate records</translation>
    </message>
    <message>
        <source>Pilih data yang dipertahankan (bawaan: yang verifikasinya lebih baik). Data lainnya ditarik dengan alasan ganda dan merujuk ke data yang dipertahankan.</source>
        <translation>Choose the record to keep (default: the better verified one). The other is withdrawn as a duplicate and refers to the kept one.</translation>
    </message>
    <message>
        <source>Pertahankan data %1</source>
        <translation>Keep record %1</translation>
    </message>
    <message>
        <source>Gabungkan</source>
        <translation>Merge</translation>
    </message>
</context>
<context>
    <name>ChildListWidget</name>
    <message>
        <source>Tidak dihapus</source>
        <translation>Not deleted</translation>
    </message>
    <message>
        <source>Tidak ditambahkan</source>
        <translation>Not added</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/child_list_widget.py" line="75"/>
        <location filename="../../silon_desktop/ui/child_list_widget.py" line="157"/>
        <source>Hapus</source>
        <extracomment>values for a new child worked out at the moment it is added (e.g. the free role)</extracomment>
        <translation>Delete</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/child_list_widget.py" line="144"/>
        <source>Tidak tersimpan</source>
        <translation>Not saved</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/child_list_widget.py" line="157"/>
        <source>Hapus data ini?</source>
        <translation>Delete this record?</translation>
    </message>
</context>
<context>
    <name>ConflictsDialog</name>
    <message>
        <source>— pilih —</source>
        <translation>— choose —</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/conflicts_dialog.py" line="77"/>
        <source>Konflik sinkronisasi</source>
        <translation>Sync conflicts</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/conflicts_dialog.py" line="81"/>
        <source>Data ini diubah di komputer ini dan di server. Pilih per kolom: milik saya, dari server, atau isi nilai baru. Pilihan dikirim sebagai perubahan baru; riwayat konflik tetap disimpan. Baris yang belum dipilih tetap terbuka.</source>
        <translation>This data was changed on this computer and on the server. Choose per field: mine, the server&apos;s, or type a new value. The choice is sent as a new change; the conflict history is kept. Rows not chosen stay open.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/conflicts_dialog.py" line="91"/>
        <source>Data</source>
        <translation>Record</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/conflicts_dialog.py" line="92"/>
        <source>Kolom</source>
        <translation>Field</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/conflicts_dialog.py" line="93"/>
        <source>Semula</source>
        <translation>Original</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/conflicts_dialog.py" line="94"/>
        <location filename="../../silon_desktop/ui/conflicts_dialog.py" line="137"/>
        <source>Milik saya</source>
        <translation>Mine</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/conflicts_dialog.py" line="150"/>
        <source>%1 (diubah lagi di komputer ini)</source>
        <translation>%1 (edited again on this computer)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/conflicts_dialog.py" line="153"/>
        <source>Isian ini diubah lagi di komputer ini sesudah konflik terjadi; &apos;Milik saya&apos; menyimpan perubahan terakhir itu.</source>
        <translation>This field was edited again on this computer after the conflict arose; &apos;Mine&apos; keeps that last edit.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/conflicts_dialog.py" line="95"/>
        <location filename="../../silon_desktop/ui/conflicts_dialog.py" line="138"/>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/conflicts_dialog.py" line="96"/>
        <source>Pilihan</source>
        <translation>Choice</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/conflicts_dialog.py" line="97"/>
        <location filename="../../silon_desktop/ui/conflicts_dialog.py" line="139"/>
        <source>Nilai baru</source>
        <translation>New value</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/conflicts_dialog.py" line="105"/>
        <source>Terapkan pilihan</source>
        <translation>Apply choices</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/conflicts_dialog.py" line="108"/>
        <source>Tutup</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/conflicts_dialog.py" line="175"/>
        <source>Nilai baru untuk %1 tidak valid.</source>
        <translation>The new value for %1 is not valid.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/conflicts_dialog.py" line="186"/>
        <source>Sebagian belum selesai</source>
        <translation>Some are not resolved yet</translation>
    </message>
</context>
<context>
    <name>DashboardWidget</name>
    <message>
        <source>Syarat menurut perhitungan: &lt;b&gt;%1&lt;/b&gt; suara sah (%2 dari suara sah pemilu DPRD), %3.</source>
        <translation>Requirement by computation: &lt;b&gt;%1&lt;/b&gt; valid votes (%2 of the valid votes of the DPRD election), %3.</translation>
    </message>
    <message>
        <source>Atau &lt;b&gt;%1&lt;/b&gt; kursi DPRD.</source>
        <translation>Or &lt;b&gt;%1&lt;/b&gt; DPRD seats.</translation>
    </message>
    <message>
        <source>Keputusan KPU menetapkan %1 suara sah, perhitungan dari suara sah DPRD memberi %2: periksa kembali angkanya.</source>
        <translation>The KPU decree sets %1 valid votes, the computation from the DPRD valid votes gives %2: check the figures again.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/dashboard_widget.py" line="44"/>
        <source>MS %v dari %m</source>
        <translation>MS %v of %m</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/dashboard_widget.py" line="52"/>
        <source>Wilayah</source>
        <translation>Region</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/dashboard_widget.py" line="53"/>
        <source>MS</source>
        <translation>MS</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/dashboard_widget.py" line="54"/>
        <source>BMS</source>
        <translation>BMS</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/dashboard_widget.py" line="55"/>
        <source>TMS</source>
        <translation>TMS</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/dashboard_widget.py" line="56"/>
        <source>Belum</source>
        <translation>Unchecked</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/dashboard_widget.py" line="57"/>
        <source>Keterangan</source>
        <translation>Remark</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/dashboard_widget.py" line="79"/>
        <source>Menghitung...</source>
        <translation>Calculating...</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/dashboard_widget.py" line="94"/>
        <source>MS %1 dari %2</source>
        <translation>MS %1 of %2</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/dashboard_widget.py" line="99"/>
        <source>MS &lt;b&gt;%1&lt;/b&gt;, BMS &lt;b&gt;%2&lt;/b&gt;, TMS &lt;b&gt;%3&lt;/b&gt;, belum diperiksa %4, jumlah %5.</source>
        <translation>MS &lt;b&gt;%1&lt;/b&gt;, BMS &lt;b&gt;%2&lt;/b&gt;, TMS &lt;b&gt;%3&lt;/b&gt;, unchecked %4, total %5.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/dashboard_widget.py" line="111"/>
        <source>Pasangan ini diusung partai politik: syarat dukungan perseorangan tidak berlaku. Gabungan %1 partai: &lt;b&gt;%2&lt;/b&gt; kursi DPRD, &lt;b&gt;%3&lt;/b&gt; suara sah.</source>
        <translation>This pair is nominated by political parties: the independent support requirement does not apply. Coalition of %1 parties: &lt;b&gt;%2&lt;/b&gt; DPRD seats, &lt;b&gt;%3&lt;/b&gt; valid votes.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/dashboard_widget.py" line="160"/>
        <source>%1 partai tanpa kursi DPRD tidak dihitung: menurut aturan pemilihan ini hanya partai yang memiliki kursi DPRD yang dapat mengusung.</source>
        <translation>%1 parties without DPRD seats are not counted: under this election's rules only parties holding DPRD seats may nominate.</translation>
    </message>
    <message>
        <source>Keputusan KPU menetapkan &lt;b&gt;%1&lt;/b&gt; suara sah, atau kursi DPRD sebanyak syarat di atas (%2).</source>
        <translation>The KPU decree sets &lt;b&gt;%1&lt;/b&gt; valid votes, or as many DPRD seats as required above (%2).</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/dashboard_widget.py" line="124"/>
        <source>Isi jumlah DPT pemilihan untuk menghitung syarat dukungan.</source>
        <translation>Enter the election&apos;s DPT size to compute the support requirement.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/dashboard_widget.py" line="128"/>
        <source>Syarat minimal &lt;b&gt;%1&lt;/b&gt; dukungan MS: kurang &lt;b&gt;%2&lt;/b&gt;. Pada masa perbaikan harus diserahkan &lt;b&gt;%3&lt;/b&gt; dukungan (dua kali kekurangan).</source>
        <translation>At least &lt;b&gt;%1&lt;/b&gt; MS supporters required: &lt;b&gt;%2&lt;/b&gt; short. The correction round must submit &lt;b&gt;%3&lt;/b&gt; supporters (twice the shortfall).</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/dashboard_widget.py" line="137"/>
        <source>Syarat minimal &lt;b&gt;%1&lt;/b&gt; dukungan MS: &lt;b&gt;terpenuhi&lt;/b&gt;.</source>
        <translation>At least &lt;b&gt;%1&lt;/b&gt; MS supporters required: &lt;b&gt;met&lt;/b&gt;.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/dashboard_widget.py" line="142"/>
        <source>kecamatan</source>
        <translation>kecamatan</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/dashboard_widget.py" line="142"/>
        <source>kabupaten/kota</source>
        <translation>regencies/cities</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/dashboard_widget.py" line="145"/>
        <source>terpenuhi</source>
        <translation>met</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/dashboard_widget.py" line="147"/>
        <source>belum terpenuhi</source>
        <translation>not met yet</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/dashboard_widget.py" line="140"/>
        <source>Bagian %1: &lt;b&gt;%2&lt;/b&gt; dukungan MS dari syarat provinsi %3 (%4%).</source>
        <translation>Share of %1: &lt;b&gt;%2&lt;/b&gt; MS supporters of the province's requirement of %3 (%4%).</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/dashboard_widget.py" line="150"/>
        <source>Sebaran: dukungan MS ada di %1 dari %2 %3; syarat %4 (%5).</source>
        <translation>Spread: MS supporters in %1 of %2 %3; %4 required (%5).</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/dashboard_widget.py" line="229"/>
        <source>Syarat minimal &lt;b&gt;%1&lt;/b&gt; dukungan MS tingkat provinsi: pemenuhannya ditetapkan dalam rekapitulasi KPU %2.</source>
        <translation>Province-wide requirement: &lt;b&gt;%1&lt;/b&gt; MS supporters; whether it is met is decided in the recap of KPU %2.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/dashboard_widget.py" line="303"/>
        <source>Sebaran: dukungan MS ada di %1 dari %2 %3; syarat tingkat provinsi %4, ditetapkan dalam rekapitulasi KPU %5.</source>
        <translation>Spread: MS supporters in %1 of %2 %3; %4 required province-wide, decided in the recap of KPU %5.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/dashboard_widget.py" line="158"/>
        <source>Isi wilayah pemilihan untuk menghitung sebaran.</source>
        <translation>Enter the election&apos;s region to compute the spread.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/dashboard_widget.py" line="167"/>
        <source>(tanpa wilayah)</source>
        <translation>(no region)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/dashboard_widget.py" line="172"/>
        <source>Belum ada dukungan MS</source>
        <translation>No MS supporters yet</translation>
    </message>
    <message>
        <source>Hasil verifikasi: MS &lt;b&gt;%1&lt;/b&gt;, BMS &lt;b&gt;%2&lt;/b&gt;, TMS &lt;b&gt;%3&lt;/b&gt;, belum diverifikasi %4, jumlah %5.</source>
        <translation>Verification results: MS &lt;b&gt;%1&lt;/b&gt;, BMS &lt;b&gt;%2&lt;/b&gt;, TMS &lt;b&gt;%3&lt;/b&gt;, not verified yet %4, total %5.</translation>
    </message>
    <message>
        <source>&lt;i&gt;Perkiraan pemeriksaan otomatis (bukan hasil verifikasi): MS %1, BMS %2, TMS %3.&lt;/i&gt;</source>
        <translation>&lt;i&gt;Automatic check forecast (not a verification): MS %1, BMS %2, TMS %3.&lt;/i&gt;</translation>
    </message>
    <message>
        <source>paling sedikit kekurangan itu, dari pendukung baru</source>
        <translation>at least the shortfall, from new supporters</translation>
    </message>
    <message>
        <source>dua kali kekurangan</source>
        <translation>twice the shortfall</translation>
    </message>
    <message>
        <source>Syarat minimal &lt;b&gt;%1&lt;/b&gt; dukungan MS: kurang &lt;b&gt;%2&lt;/b&gt;. Pada masa perbaikan harus diserahkan &lt;b&gt;%3&lt;/b&gt; dukungan (%4).</source>
        <translation>At least &lt;b&gt;%1&lt;/b&gt; MS supporters required: &lt;b&gt;%2&lt;/b&gt; short. The correction round must bring &lt;b&gt;%3&lt;/b&gt; supporters (%4).</translation>
    </message>
    <message>
        <source>Sebaran yang masih kurang: &lt;b&gt;%1&lt;/b&gt; wilayah.</source>
        <translation>Spread still missing: &lt;b&gt;%1&lt;/b&gt; areas.</translation>
    </message>
    <message>
        <source>Sebaran yang masih kurang: &lt;b&gt;%1&lt;/b&gt; wilayah. Pada masa perbaikan harus diserahkan paling sedikit &lt;b&gt;%2&lt;/b&gt; dukungan di wilayah itu.</source>
        <translation>Spread still missing: &lt;b&gt;%1&lt;/b&gt; areas. The correction round must bring at least &lt;b&gt;%2&lt;/b&gt; supporters in those areas.</translation>
    </message>
    <message>
        <source>belum</source>
        <translation>not yet</translation>
    </message>
    <message>
        <source>Setelah Putusan MK 60/2024 syaratnya suara sah: keputusan KPU menetapkan &lt;b&gt;%1&lt;/b&gt; suara sah (%2). Satu partai hanya boleh mengusung satu pasangan (PKPU 10/2024 Pasal 11 ayat 4).</source>
        <translation>After Constitutional Court ruling 60/2024 valid votes count: the KPU decree sets &lt;b&gt;%1&lt;/b&gt; valid votes (%2). A party may nominate one pair only (PKPU 10/2024 Article 11(4)).</translation>
    </message>
    <message>
        <source>syarat dukungan</source>
        <translation>support threshold</translation>
    </message>
    <message>
        <source>syarat sebaran</source>
        <translation>spread requirement</translation>
    </message>
    <message>
        <source>Perhatian: keputusan KPU menetapkan %1 %2, hitungan menurut undang-undang %3. Angka keputusan KPU yang dipakai.</source>
        <translation>Note: the KPU decree sets the %1 at %2, the law computes %3. The decree's figure is used.</translation>
    </message>
    <message>
        <source>Partai %1 juga tercatat mengusung pasangan %2: satu partai hanya boleh mengusung satu pasangan (PKPU 10/2024 Pasal 11 ayat 4).</source>
        <translation>Party %1 is also recorded as nominating pair %2: a party may nominate only one pair (PKPU 10/2024 Article 11(4)).</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <source>Data pribadi</source>
        <translation>Personal data</translation>
    </message>
    <message>
        <source>Tanda terima ini berisi data pribadi (NIK, nama, tanggal lahir, alamat). Simpan hanya di folder yang Anda pilih dan hanya Anda yang dapat membukanya (bukan folder bersama atau flashdisk orang lain), dan hapus berkasnya bila tidak diperlukan lagi (UU PDP 27/2022).</source>
        <translation>This receipt holds personal data (NIK, name, birth date, address). Save it only in a folder you chose and only you can open (not a shared folder or someone else's USB stick), and delete the file when it is no longer needed (UU PDP 27/2022).</translation>
    </message>
    <message>
        <source>Tanda terima tidak tersimpan</source>
        <translation>Receipt not saved</translation>
    </message>
    <message>
        <source>Tanda terima tidak dapat disimpan di %1: %2</source>
        <translation>The receipt could not be saved in %1: %2</translation>
    </message>
    <message>
        <source>%1 dan %2 kolom lain</source>
        <translation>%1 and %2 more fields</translation>
    </message>
    <message>
        <source>Arsip perubahan yang sudah diterima server (berkas %1) %2. Daftar di bawah TIDAK LENGKAP: perubahan lama yang sudah diterima server dan tanda terimanya tidak ditampilkan. Data dan perubahan yang belum terkirim tidak terpengaruh; server tetap menyimpan riwayat lengkapnya. Simpan salinan berkas itu dan hubungi admin KPU.</source>
        <translation>The archive of changes the server already accepted (file %1) %2. The list below is NOT COMPLETE: older changes the server accepted, and their receipts, are not shown. Your data and the changes not yet sent are not affected; the server keeps the whole history. Keep a copy of that file and contact your KPU administrator.</translation>
    </message>
    <message>
        <source>rusak</source>
        <translation>is damaged</translation>
    </message>
    <message>
        <source>tidak dapat dibaca</source>
        <translation>cannot be read</translation>
    </message>
    <message>
        <source>dipulihkan</source>
        <translation>restored</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="65"/>
        <source>Riwayat sinkronisasi</source>
        <translation>Sync history</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="71"/>
        <source>Id: %1 — versi server: %2</source>
        <translation>Id: %1 — server version: %2</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="79"/>
        <source>Disimpan di komputer ini</source>
        <translation>Saved on this computer</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="80"/>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="99"/>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="105"/>
        <source>Kolom</source>
        <translation>Field</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="81"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="82"/>
        <source>Dikirim (batch)</source>
        <translation>Sent (batch)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="83"/>
        <source>Diterima server</source>
        <translation>Received by server</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="84"/>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="310"/>
        <source>Tanda terima</source>
        <translation>Receipt</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="92"/>
        <source>Cetak tanda terima (PDF)</source>
        <translation>Print receipt (PDF)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="95"/>
        <source>Tutup</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="99"/>
        <source>Waktu</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="99"/>
        <source>Operator</source>
        <translation>Operator</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="99"/>
        <source>Perubahan</source>
        <translation>Change</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="104"/>
        <source>Terdeteksi</source>
        <translation>Detected</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="106"/>
        <source>Milik saya</source>
        <translation>Mine</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="107"/>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="108"/>
        <source>Penyelesaian</source>
        <translation>Resolution</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="113"/>
        <source>&lt;b&gt;Perjalanan ke server&lt;/b&gt;</source>
        <translation>&lt;b&gt;Way to the server&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="115"/>
        <source>&lt;b&gt;Perubahan di komputer ini&lt;/b&gt;</source>
        <translation>&lt;b&gt;Changes on this computer&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="117"/>
        <source>&lt;b&gt;Konflik&lt;/b&gt;</source>
        <translation>&lt;b&gt;Conflicts&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="127"/>
        <source>Data ini diterima dari server (dimasukkan di komputer lain); belum ada perubahan dari komputer ini.</source>
        <translation>This record came from the server (entered on another computer); no change from this computer yet.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="146"/>
        <source>dibuat</source>
        <translation>created</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="147"/>
        <source>diubah</source>
        <translation>changed</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="148"/>
        <source>dihapus</source>
        <translation>deleted</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="165"/>
        <source>milik saya</source>
        <translation>mine</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="166"/>
        <source>server</source>
        <translation>server</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="167"/>
        <source>nilai baru</source>
        <translation>new value</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="173"/>
        <source>%1: %2 (%3)</source>
        <translation>%1: %2 (%3)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="179"/>
        <source>belum diselesaikan</source>
        <translation>not resolved yet</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="196"/>
        <source>tertanda sah</source>
        <translation>signature valid</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="204"/>
        <source>%1, versi %2</source>
        <translation>%1, version %2</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="274"/>
        <source>sah</source>
        <translation>valid</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="274"/>
        <source>belum diperiksa</source>
        <translation>not checked</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="287"/>
        <source>Id data</source>
        <translation>Record id</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="288"/>
        <source>Versi server</source>
        <translation>Server version</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/history_dialog.py" line="319"/>
        <source>Simpan tanda terima</source>
        <translation>Save receipt</translation>
    </message>
    <message>
        <source>dihapus / ditarik</source>
        <translation>deleted / withdrawn</translation>
    </message>
</context>
<context>
    <name>ImportWizard</name>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="72"/>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="263"/>
        <source>NIK</source>
        <translation>NIK</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="73"/>
        <source>Nama</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="74"/>
        <source>Tempat lahir</source>
        <translation>Place of birth</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="75"/>
        <source>Tanggal lahir</source>
        <translation>Date of birth</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="76"/>
        <source>Tempat, tanggal lahir</source>
        <translation>Place, date of birth</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="77"/>
        <source>Jenis kelamin</source>
        <translation>Sex</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="78"/>
        <source>Status perkawinan</source>
        <translation>Marital status</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="79"/>
        <source>Pekerjaan</source>
        <translation>Occupation</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="80"/>
        <source>Alamat</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="81"/>
        <source>RT</source>
        <translation>RT</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="82"/>
        <source>RW</source>
        <translation>RW</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="83"/>
        <source>RT/RW</source>
        <translation>RT/RW</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="84"/>
        <source>Desa/Kelurahan</source>
        <translation>Village</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="85"/>
        <source>Kecamatan</source>
        <translation>District (kecamatan)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="86"/>
        <source>Kabupaten/Kota</source>
        <translation>Regency/City</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="98"/>
        <source>%1 kosong</source>
        <translation>%1 is empty</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="100"/>
        <source>%1 ada di lebih dari satu wilayah (lengkapi wilayah di atasnya)</source>
        <translation>%1 exists in more than one area (fill in the area above it)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="146"/>
        <source>Impor daftar dukungan</source>
        <extracomment>header text -&gt; field from a saved mapping, used when detecting columns</extracomment>
        <translation>Import supporter list</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="161"/>
        <source>Berkas XLSX, XLS, ODS atau CSV</source>
        <translation>XLSX, XLS, ODS or CSV file</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="162"/>
        <source>Pilih berkas...</source>
        <translation>Choose file...</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="164"/>
        <source>Unduh templat kosong...</source>
        <translation>Download empty template...</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="166"/>
        <source>Pakai pemetaan tersimpan...</source>
        <translation>Use saved mapping...</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="170"/>
        <source>Pindaian KTP-el sudah diserahkan untuk semua baris</source>
        <translation>E-ID scans were handed in for every row</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="175"/>
        <source>Lanjut</source>
        <translation>Next</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="182"/>
        <source>Pilih berkas daftar dukungan (Model B.1-KWK):</source>
        <translation>Choose the supporter list file (form B.1-KWK):</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="214"/>
        <source>Simpan pemetaan...</source>
        <translation>Save mapping...</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="216"/>
        <source>Kembali</source>
        <translation>Back</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="218"/>
        <source>Impor</source>
        <translation>Import</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="239"/>
        <source>Mengimpor...</source>
        <translation>Importing...</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="242"/>
        <source>Batal</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="263"/>
        <source>Baris</source>
        <translation>Row</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="263"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="263"/>
        <source>Alasan</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="274"/>
        <source>Tertulis</source>
        <translation>Written</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="274"/>
        <source>Dicocokkan dengan</source>
        <translation>Matched to</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="274"/>
        <source>Skor</source>
        <translation>Score</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="278"/>
        <source>Simpan laporan (JSON)...</source>
        <translation>Save report (JSON)...</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="280"/>
        <source>Tutup</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="292"/>
        <source>Nama wilayah yang dicocokkan tidak persis:</source>
        <translation>Place names matched inexactly:</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="304"/>
        <source>Pilih daftar dukungan</source>
        <translation>Choose supporter list</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="306"/>
        <source>Lembar kerja (*.xlsx *.xlsm *.xls *.ods *.csv);;Semua berkas (*)</source>
        <translation>Spreadsheets (*.xlsx *.xlsm *.xls *.ods *.csv);;All files (*)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="314"/>
        <source>Simpan templat</source>
        <translation>Save template</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="326"/>
        <source>Pakai pemetaan kolom</source>
        <translation>Use column mapping</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="337"/>
        <source>Pemetaan tidak dapat dibaca: %1</source>
        <translation>The mapping cannot be read: %1</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="350"/>
        <source>Memakai pemetaan: %1</source>
        <translation>Using mapping: %1</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="357"/>
        <source>Pilih berkas terlebih dahulu.</source>
        <translation>Choose a file first.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="379"/>
        <source>(tidak ada)</source>
        <translation>(none)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="395"/>
        <source>Lembar: %1 - baris judul: %2 - data mulai baris %3</source>
        <translation>Sheet: %1 - header row: %2 - data from row %3</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="431"/>
        <source>Simpan pemetaan kolom</source>
        <translation>Save column mapping</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="449"/>
        <source>Kolom wajib belum dipetakan: %1</source>
        <translation>Required columns not mapped yet: %1</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="461"/>
        <source>Membaca dan memeriksa baris...</source>
        <translation>Reading and checking rows...</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="483"/>
        <source>%1 baris diperiksa</source>
        <translation>%1 rows checked</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="491"/>
        <source>Membatalkan...</source>
        <translation>Cancelling...</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="497"/>
        <source>Impor dibatalkan. Basis data tidak berubah.</source>
        <translation>Import cancelled. The database is unchanged.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="509"/>
        <source>Berkas: %1</source>
        <translation>File: %1</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="510"/>
        <source>Baris data: %1</source>
        <translation>Data rows: %1</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="512"/>
        <source>Disimpan: %1 baru, %2 diperbarui, %3 tidak berubah</source>
        <translation>Saved: %1 new, %2 updated, %3 unchanged</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="682"/>
        <source>Tidak disimpan: %1 baris tanpa NIK (ada di daftar masalah)</source>
        <translation>Not saved: %1 rows without a NIK (listed in the problem list)</translation>
    </message>
    <message>
        <source>Tidak disimpan: %1 baris di luar wilayah Anda (kab/kota lain, atau kab/kotanya tidak dikenali; tidak diperiksa dan tidak dihitung): baris %2</source>
        <translation>Not saved: %1 rows outside your area (another kab/kota, or one not recognised; not checked and not counted): rows %2</translation>
    </message>
    <message>
        <source>%1 (dan %2 rentang lain)</source>
        <translation>%1 (and %2 more ranges)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="522"/>
        <source>Ditampilkan %1 baris bermasalah pertama dari %2; simpan laporan untuk semua.</source>
        <translation>Showing the first %1 problem rows of %2; save the report for all of them.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="539"/>
        <source>tidak ditemukan</source>
        <translation>not found</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="551"/>
        <source>Simpan laporan</source>
        <translation>Save report</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="95"/>
        <source>%1 tidak terbaca</source>
        <translation>%1 could not be read</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="96"/>
        <source>%1 terlalu panjang, dipotong</source>
        <translation>%1 too long, cut short</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="97"/>
        <source>%1 tidak ditemukan di wilayah</source>
        <translation>%1 not found in the region</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="289"/>
        <source>Baris yang belum/tidak memenuhi syarat atau perlu diperiksa:</source>
        <translation>Rows not (yet) eligible or needing a check:</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="344"/>
        <source>%1 bukan berkas pemetaan kolom yang disimpan Silon.</source>
        <translation>%1 is not a column mapping saved by Silon.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="565"/>
        <source>Tidak dapat menyimpan %1: %2</source>
        <translation>Could not save %1: %2</translation>
    </message>
    <message>
        <source>Kode kecamatan NIK dari sebelum pemekaran (lama&gt;kini: %1), NIK sah</source>
        <translation>NIK kecamatan code from before a region split (old&gt;today: %1), NIK valid</translation>
    </message>
    <message>
        <source>Tahap penyerahan:</source>
        <translation>Submission round:</translation>
    </message>
    <message>
        <source>Daftar dukungan atau bagian berikutnya (baris ditambahkan, NIK yang sudah ada ditandai ganda)</source>
        <translation>Supporter list or its next part (rows are added, NIKs already here are marked as duplicates)</translation>
    </message>
    <message>
        <source>NIK yang sudah ada di pasangan ini: %1 baris (ditandai ganda)</source>
        <translation>NIKs already in this pair: %1 rows (marked as duplicates)</translation>
    </message>
    <message>
        <source>Baris lama di pasangan ini yang kini ditandai ganda: %1</source>
        <translation>Earlier rows of this pair now marked as duplicates: %1</translation>
    </message>
    <message>
        <source>File perbaikan: ganti impor sebelumnya (baris yang tidak ada lagi ditarik)</source>
        <translation>Corrected file: replace the earlier import (rows no longer in it are withdrawn)</translation>
    </message>
    <message>
        <source>Jenis berkas:</source>
        <translation>Kind of file:</translation>
    </message>
    <message>
        <source>Membandingkan berkas perbaikan...</source>
        <translation>Comparing the corrected file...</translation>
    </message>
    <message>
        <source>Ganti impor sebelumnya?</source>
        <translation>Replace the earlier import?</translation>
    </message>
    <message>
        <source>Berkas perbaikan ini: %1 baru, %2 berubah, %3 tetap, %4 ditarik (tidak ada di berkas perbaikan; riwayatnya tetap disimpan).</source>
        <translation>This corrected file: %1 new, %2 changed, %3 unchanged, %4 withdrawn (not in the corrected file; their history is kept).</translation>
    </message>
    <message>
        <source>Ditarik: %1 (tidak ada di berkas perbaikan)</source>
        <translation>Withdrawn: %1 (not in the corrected file)</translation>
    </message>
    <message>
        <source>%1 tidak ada di kalender</source>
        <translation>%1 does not exist in the calendar</translation>
    </message>
    <message>
        <source>impor sebelumnya</source>
        <translation>an earlier import</translation>
    </message>
    <message>
        <source>baris %1</source>
        <translation>row %1</translation>
    </message>
    <message>
        <source>Nilai terbaca</source>
        <translation>Value read</translation>
    </message>
    <message>
        <source>Sama dengan</source>
        <translation>Same as</translation>
    </message>
    <message>
        <source>Daftar masalah untuk LO (XLSX)...</source>
        <translation>Problem list for the LO (XLSX)...</translation>
    </message>
    <message>
        <source>Daftar masalah untuk LO (PDF)...</source>
        <translation>Problem list for the LO (PDF)...</translation>
    </message>
    <message>
        <source>Baris di bawah daftar yang bukan pendukung (jumlah, tanda tangan) tidak dihitung: baris %1</source>
        <translation>Rows below the list that are no supporters (totals, signatures), not counted: row %1</translation>
    </message>
    <message>
        <source>Simpan daftar masalah untuk LO</source>
        <translation>Save the problem list for the LO</translation>
    </message>
    <message>
        <source>Daftar masalah disimpan: %1</source>
        <translation>Problem list saved: %1</translation>
    </message>
    <message>
        <source>Daftar masalah impor berisi data pribadi warga (NIK dan nilai yang terbaca dari baris yang bermasalah, misalnya tanggal lahir). Serahkan hanya kepada LO pasangan calon ini, simpan hanya di folder yang Anda pilih dan hanya Anda yang dapat membukanya, dan hapus berkasnya bila tidak diperlukan lagi (UU PDP 27/2022).</source>
        <translation>The import problem list holds citizens&apos; personal data (NIK and the values read from the rows with problems, such as birth dates). Hand it only to this pair&apos;s LO, save it only in a folder you choose and only you can open, and delete the file when it is no longer needed (UU PDP 27/2022).</translation>
    </message>
    <message>
        <source>Data pribadi</source>
        <translation>Personal data</translation>
    </message>
    <message>
        <source>Laporan impor berisi data pribadi warga (NIK setiap baris dan masalahnya). Simpan hanya di folder yang Anda pilih dan hanya Anda yang dapat membukanya, dan hapus berkasnya bila tidak diperlukan lagi (UU PDP 27/2022).</source>
        <translation>The import report holds citizens&apos; personal data (the NIK of every row and its problems). Save it only in a folder you choose and only you can open, and delete the file when it is no longer needed (UU PDP 27/2022).</translation>
    </message>
    <message>
        <source>Akses ke data dicabut oleh server. Impor diselesaikan dulu agar tidak hilang; setelah itu data di komputer ini dikunci.</source>
        <translation>The server revoked access to the data. The import is finished first so that it is not lost; then the data on this computer is locked.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/import_wizard.py" line="656"/>
        <source>Jendela dikunci karena lama tidak digunakan. Impor diselesaikan dulu agar tidak hilang; setelah itu masuk lagi dengan kata sandi Anda.</source>
        <translation>The window was locked because it was not used for a while. The import is finished first so that it is not lost; then log in again with your password.</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../silon_desktop/ui/login_dialog.py" line="0"/>
        <source>Membuat cadangan sebelum enkripsi...</source>
        <translation>Making a backup before encryption...</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/login_dialog.py" line="0"/>
        <source>Mengenkripsi data di komputer ini...</source>
        <translation>Encrypting the data on this computer...</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/login_dialog.py" line="0"/>
        <source>Mengenkripsi cadangan lama...</source>
        <translation>Encrypting the older backups...</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/login_dialog.py" line="0"/>
        <source>Membuka data...</source>
        <translation>Opening the data...</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/login_dialog.py" line="0"/>
        <source>Login pertama: data di komputer ini dienkripsi, sekali saja. Jika jendela ini ditutup, data tetap seperti semula dan enkripsi diulang pada login berikutnya.</source>
        <translation>First login: the data on this computer is encrypted, once only. If this window is closed, the data stays as it was and the encryption starts again at the next login.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/login_dialog.py" line="0"/>
        <source>Menghentikan enkripsi... Data yang belum terenkripsi tetap utuh.</source>
        <translation>Stopping the encryption... The unencrypted data stays intact.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/login_dialog.py" line="39"/>
        <source>Masuk ke Silon Desktop</source>
        <translation>Log in to Silon Desktop</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/login_dialog.py" line="51"/>
        <source>Komputer ini tidak memiliki penyimpanan kata sandi (keyring). Token tidak disimpan di disk; kata sandi akan ditanyakan setiap kali aplikasi dibuka.</source>
        <translation>This computer has no password store (keyring). The token is not stored on disk; you will be asked for the password every time the application starts.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/login_dialog.py" line="60"/>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/login_dialog.py" line="61"/>
        <source>Nama pengguna</source>
        <translation>User name</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/login_dialog.py" line="62"/>
        <source>Kata sandi</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/login_dialog.py" line="65"/>
        <source>Masuk</source>
        <translation>Log in</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/login_dialog.py" line="70"/>
        <source>Masuk tanpa koneksi</source>
        <translation>Log in without connection</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/login_dialog.py" line="73"/>
        <source>Batal</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/login_dialog.py" line="91"/>
        <source>Isi nama pengguna dan kata sandi.</source>
        <translation>Enter user name and password.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/login_dialog.py" line="94"/>
        <source>Memeriksa...</source>
        <translation>Checking...</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/login_dialog.py" line="115"/>
        <source>Server tidak dapat dihubungi dan kata sandi tidak cocok dengan login terakhir di komputer ini.</source>
        <translation>The server cannot be reached and the password does not match the last login on this computer.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/login_dialog.py" line="119"/>
        <source>Nama pengguna atau kata sandi salah (atau belum pernah masuk secara daring di komputer ini).</source>
        <translation>Wrong user name or password (or never logged in online on this computer).</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/login_dialog.py" line="123"/>
        <source>Nama pengguna atau kata sandi salah.</source>
        <translation>Wrong user name or password.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/login_dialog.py" line="125"/>
        <source>Server tidak dapat dihubungi.</source>
        <translation>The server cannot be reached.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Ganti &amp;kata sandi...</source>
        <translation>Change &amp;password...</translation>
    </message>
    <message>
        <source>Kata sandi diganti; mulai sekarang masuk dengan kata sandi baru.</source>
        <translation>Password changed; from now on log in with the new password.</translation>
    </message>
    <message>
        <source>%1 sesi lain akun ini diakhiri.</source>
        <translation>%1 other sessions of this account were ended.</translation>
    </message>
    <message>
        <source>Akun Bawaslu: hanya melihat data. Bawaslu mengawasi pencalonan dan tidak mengubah datanya, jadi formulir dan tombol ubah tidak aktif.</source>
        <translation>Bawaslu account: view only. Bawaslu supervises the nominations and does not change their data, so the forms and edit buttons are off.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="272"/>
        <source>Silon Desktop</source>
        <translation>Silon Desktop</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="277"/>
        <source>Pemilihan dan pasangan calon</source>
        <translation>Elections and candidate pairs</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="280"/>
        <source>Pemilihan</source>
        <translation>Election</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="287"/>
        <source>&lt;h2&gt;Selamat datang di Silon Desktop&lt;/h2&gt;&lt;p&gt;Pilih pemilihan atau pasangan calon di kiri, atau tambahkan dengan menu &lt;b&gt;Data&lt;/b&gt;.&lt;/p&gt;&lt;p&gt;Semua perubahan tersimpan di komputer ini lebih dulu lalu dikirim ke server saat sinkronisasi.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;Welcome to Silon Desktop&lt;/h2&gt;&lt;p&gt;Choose an election or a candidate pair on the left, or add one from the &lt;b&gt;Data&lt;/b&gt; menu.&lt;/p&gt;&lt;p&gt;Every change is saved on this computer first and sent to the server when syncing.&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="343"/>
        <source>&amp;Berkas</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="344"/>
        <source>&amp;Pengaturan...</source>
        <translation>&amp;Settings...</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="346"/>
        <source>Salin &amp;diagnostik</source>
        <translation>Copy &amp;diagnostics</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="350"/>
        <source>&amp;Keluar</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="351"/>
        <source>&amp;Data</source>
        <translation>&amp;Data</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="353"/>
        <source>Tambah &amp;pemilihan</source>
        <translation>Add &amp;election</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="356"/>
        <source>Tambah pasangan &amp;calon</source>
        <translation>Add candidate &amp;pair</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="359"/>
        <source>&amp;Riwayat sinkronisasi data ini</source>
        <translation>Sync &amp;history of this record</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="362"/>
        <source>&amp;Impor daftar dukungan...</source>
        <translation>&amp;Import supporter list...</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="365"/>
        <source>Cetak &amp;rekapitulasi (PDF)...</source>
        <translation>Print &amp;recap (PDF)...</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="371"/>
        <source>Cetak &amp;berita acara (PDF)...</source>
        <translation>Print &amp;minutes (berita acara, PDF)...</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="376"/>
        <source>Ekspor daftar B.1.1-KWK (&amp;XLSX)...</source>
        <translation>Export B.1.1-KWK &amp;list (XLSX)...</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="381"/>
        <source>Ekspor rekap B.2-KWK (X&amp;LSX)...</source>
        <translation>Export B.2-KWK recap (X&amp;LSX)...</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="401"/>
        <source>&amp;Sinkronisasi</source>
        <translation>&amp;Sync</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="402"/>
        <source>Sinkronkan &amp;sekarang</source>
        <translation>Sync &amp;now</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="403"/>
        <source>&amp;Batalkan sinkronisasi</source>
        <translation>&amp;Cancel sync</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="404"/>
        <source>&amp;Konflik...</source>
        <translation>&amp;Conflicts...</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="492"/>
        <source>(pemilihan baru)</source>
        <translation>(new election)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="497"/>
        <source>(pasangan baru)</source>
        <translation>(new pair)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="507"/>
        <source>Wilayah belum diketahui</source>
        <translation>Region not known yet</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="508"/>
        <source>Masuk secara daring sekali agar wilayah akun Anda diketahui.</source>
        <translation>Log in online once so that your account&apos;s region is known.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="515"/>
        <location filename="../../silon_desktop/ui/main_window.py" line="540"/>
        <source>Tidak tersimpan</source>
        <translation>Not saved</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="527"/>
        <source>Pilih pemilihan</source>
        <translation>Choose an election</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="527"/>
        <source>Pilih pemilihan dulu.</source>
        <translation>Choose an election first.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="559"/>
        <source>Pilih pasangan</source>
        <translation>Choose a pair</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="559"/>
        <source>Pilih pasangan calon dulu.</source>
        <translation>Choose a candidate pair first.</translation>
    </message>
    <message>
        <source>Isian belum tersimpan</source>
        <translation>Entry not saved</translation>
    </message>
    <message>
        <source>Isian %1 belum tersimpan karena isinya belum benar (lihat pesan di bawah kolomnya). Tutup Silon Desktop dan buang isian itu?</source>
        <translation>The entry in %1 is not saved because it is not valid yet (see the message under the field). Close Silon Desktop and discard it?</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="578"/>
        <source>Simpan rekapitulasi</source>
        <translation>Save recap</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="580"/>
        <source>Simpan berita acara</source>
        <translation>Save the minutes</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="584"/>
        <source>Simpan daftar B.1.1-KWK</source>
        <translation>Save the B.1.1-KWK list</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="585"/>
        <source>Simpan rekap B.2-KWK</source>
        <translation>Save the B.2-KWK recap</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="618"/>
        <source>Mengekspor daftar B.1.1-KWK: %1 pendukung...</source>
        <translation>Exporting the B.1.1-KWK list: %1 supporters...</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="630"/>
        <source>Menyusun laporan...</source>
        <translation>Preparing the report...</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="646"/>
        <source>Rekapitulasi disimpan: %1</source>
        <translation>Recap saved: %1</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="647"/>
        <source>Berita acara disimpan: %1</source>
        <translation>Minutes saved: %1</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="648"/>
        <source>Daftar B.1.1-KWK disimpan: %1 (%2 pendukung)</source>
        <translation>B.1.1-KWK list saved: %1 (%2 supporters)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="649"/>
        <source>Rekap B.2-KWK disimpan: %1</source>
        <translation>B.2-KWK recap saved: %1</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="659"/>
        <source>Laporan tidak tersimpan</source>
        <translation>Report not saved</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="660"/>
        <source>Laporan tidak dapat disimpan: %1</source>
        <translation>The report could not be saved: %1</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="691"/>
        <source>Diagnostik disalin ke papan klip.</source>
        <translation>Diagnostics copied to the clipboard.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="697"/>
        <source>(belum masuk)</source>
        <translation>(not logged in)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="698"/>
        <source>Pengguna: %1</source>
        <translation>User: %1</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="708"/>
        <source>Server tidak dapat dihubungi. Data tetap aman tersimpan di komputer ini.</source>
        <translation>The server cannot be reached. Your data stays safe on this computer.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="710"/>
        <source>Sesi berakhir; silakan masuk lagi.</source>
        <translation>The session has ended; please log in again.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="717"/>
        <source>Sinkronisasi dibatalkan. Yang sudah terkirim tetap diterima server; sisanya menunggu sinkronisasi berikutnya.</source>
        <translation>Sync cancelled. What was already sent stays accepted by the server; the rest waits for the next sync.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="724"/>
        <source>Sinkronisasi selesai dengan %1 konflik baru.</source>
        <translation>Sync finished with %1 new conflicts.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="503"/>
        <source>Sinkronisasi selesai: %1 perubahan ditolak server dan dikembalikan seperti di server (lihat Riwayat data yang diubah).</source>
        <translation>Sync finished: %1 changes were refused by the server and put back as the server holds them (see the History of the changed records).</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="730"/>
        <source>Sinkronisasi selesai.</source>
        <translation>Sync finished.</translation>
    </message>
    <message>
        <source>Berita acara</source>
        <translation>Official minutes</translation>
    </message>
    <message>
        <source>Tahap yang direkapitulasi:</source>
        <translation>Stage to recap:</translation>
    </message>
    <message>
        <source>Hasil verifikasi untuk LO (XLS&amp;X)...</source>
        <translation>Verification results for the LO (XLS&amp;X)...</translation>
    </message>
    <message>
        <source>Hasil verifikasi untuk LO (P&amp;DF)...</source>
        <translation>Verification results for the LO (P&amp;DF)...</translation>
    </message>
    <message>
        <source>&amp;Ekspor perubahan ke flashdisk...</source>
        <translation>&amp;Export changes to a USB stick...</translation>
    </message>
    <message>
        <source>&amp;Impor bundel dari server...</source>
        <translation>&amp;Import a bundle from the server...</translation>
    </message>
    <message>
        <source>Keluar &amp;akun</source>
        <translation>Log &amp;out</translation>
    </message>
</context>
<context>
    <name>PairPage</name>
    <message>
        <source>NIK ini sudah tercatat untuk %1, %2 pasangan %3 pada %4: satu orang hanya dapat dicalonkan dalam satu pasangan.</source>
        <translation>This NIK is already recorded for %1, %2 of pair %3 in %4: a person can be nominated in one pair only.</translation>
    </message>
    <message>
        <source>pemilihan ini</source>
        <translation>this election</translation>
    </message>
    <message>
        <source>%1 sudah mengusung pasangan %2 pada pemilihan ini: satu partai hanya mengusung satu pasangan (PKPU 10/2024 Pasal 11 ayat 4).</source>
        <translation>%1 already nominates pair %2 in this election: a party nominates one pair only (PKPU 10/2024 Article 11(4)).</translation>
    </message>
    <message>
        <source>Pasangan calon sudah lengkap: satu calon kepala daerah dan satu calon wakil. Ubah data calon yang ada, atau hapus dulu yang salah.</source>
        <translation>The pair is complete: one head and one deputy candidate. Change the candidates there are, or delete the wrong one first.</translation>
    </message>
    <message>
        <source>calon kepala daerah</source>
        <translation>head candidate</translation>
    </message>
    <message>
        <source>calon wakil</source>
        <translation>deputy candidate</translation>
    </message>
    <message>
        <source>Pasangan ini sudah punya %1: %2. Satu pasangan: satu kepala, satu wakil.</source>
        <translation>This pair already has a %1: %2. A pair is one head and one deputy.</translation>
    </message>
    <message>
        <source>(tanpa nama)</source>
        <translation>(no name)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="62"/>
        <source>Bakal pasangan calon</source>
        <translation>Prospective candidate pair</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="69"/>
        <source>Tambah calon</source>
        <translation>Add candidate</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="77"/>
        <source>Tambah dokumen syarat</source>
        <translation>Add requirement document</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="96"/>
        <source>&lt;b&gt;Dokumen syarat calon&lt;/b&gt;</source>
        <translation>&lt;b&gt;Candidate requirement documents&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="98"/>
        <source>Lampirkan berkas dokumen...</source>
        <translation>Attach document file...</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="110"/>
        <source>(baru)</source>
        <translation>(new)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="112"/>
        <source>%1 kursi</source>
        <translation>%1 seats</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="114"/>
        <source>Tambah partai</source>
        <translation>Add party</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="118"/>
        <source>&amp;Pasangan</source>
        <translation>&amp;Pair</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="119"/>
        <source>&amp;Calon</source>
        <translation>&amp;Candidates</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="120"/>
        <source>Partai p&amp;engusung</source>
        <translation>&amp;Nominating parties</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="121"/>
        <source>Pendu&amp;kung</source>
        <translation>Supp&amp;orters</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="122"/>
        <source>Dasb&amp;or</source>
        <translation>Dash&amp;board</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="132"/>
        <source>Kepala</source>
        <translation>Head</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="132"/>
        <source>Wakil</source>
        <translation>Deputy</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="141"/>
        <source>[berkas]</source>
        <translation>[file]</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="179"/>
        <source>Pilih atau tambahkan dokumen syarat dulu.</source>
        <translation>Choose or add a requirement document first.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="198"/>
        <source>Berkas dokumen</source>
        <translation>Document file</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="203"/>
        <source>Tidak tersimpan</source>
        <translation>Not saved</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="214"/>
        <source>Usia calon diperiksa setelah tanggal lahir dan tanggal penetapan diisi.</source>
        <translation>The candidate&apos;s age is checked once the birth date and the confirmation date are filled in.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="221"/>
        <source>Usia pada tanggal penetapan: %1 tahun (paling rendah %2): memenuhi.</source>
        <translation>Age on the confirmation date: %1 years (minimum %2): qualifies.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/main_window.py" line="225"/>
        <source>Usia pada tanggal penetapan: %1 tahun, kurang dari syarat paling rendah %2 tahun.</source>
        <translation>Age on the confirmation date: %1 years, below the minimum of %2 years.</translation>
    </message>
</context>
<context>
    <name>RecordForm</name>
    <message>
        <source>Diisi oleh KPU Provinsi atau KPU RI, yang membuat pemilihan ini.</source>
        <translation>Filled by the KPU of the province or KPU RI, which made this election.</translation>
    </message>
    <message>
        <source>Diubah oleh sinkronisasi menjadi %1 sejak ditampilkan.</source>
        <translation>Changed by a sync to %1 since it was shown.</translation>
    </message>
    <message>
        <source>(kosong)</source>
        <translation>(empty)</translation>
    </message>
    <message>
        <source>Diubah oleh sinkronisasi</source>
        <translation>Changed by a sync</translation>
    </message>
    <message>
        <source>%1 diubah oleh sinkronisasi menjadi %2 sejak ditampilkan. Simpan isian Anda %3 menggantikannya?</source>
        <translation>%1 was changed by a sync to %2 since it was shown. Save your entry, %3, in its place?</translation>
    </message>
    <message>
        <source>Tidak sesuai NIK (menurut NIK: %1).</source>
        <translation>Does not match the NIK (the NIK says: %1).</translation>
    </message>
    <message>
        <source>Tidak sesuai NIK</source>
        <translation>Does not match the NIK</translation>
    </message>
    <message>
        <source>%1 %2 tidak sesuai NIK (menurut NIK: %3). Tetap simpan?</source>
        <translation>%1 %2 does not match the NIK (the NIK says: %3). Save anyway?</translation>
    </message>
    <message>
        <source>%1 tersimpan %2, menurut NIK %3. Ganti dengan data dari NIK?</source>
        <translation>%1 saved: %2; the NIK says %3. Replace it with the NIK's?</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/record_form.py" line="147"/>
        <source>Urungkan (Ctrl+Z)</source>
        <translation>Undo (Ctrl+Z)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/record_form.py" line="226"/>
        <source>Tersimpan %1</source>
        <translation>Saved %1</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/record_form.py" line="249"/>
        <source>hh-bb-tttt</source>
        <translation>dd-mm-yyyy</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/record_form.py" line="252"/>
        <source>16 digit</source>
        <translation>16 digits</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/record_form.py" line="299"/>
        <source>Isi dengan angka.</source>
        <translation>Enter a number.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/record_form.py" line="305"/>
        <source>Tanggal tidak valid; tulis hh-bb-tttt, mis. 17-08-1980.</source>
        <translation>Invalid date; write dd-mm-yyyy, e.g. 17-08-1980.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/record_form.py" line="314"/>
        <location filename="../../silon_desktop/ui/record_form.py" line="325"/>
        <source>Mengetik...</source>
        <translation>Typing...</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/record_form.py" line="388"/>
        <source>Belum tersimpan: %1</source>
        <translation>Not saved: %1</translation>
    </message>
    <message>
        <source>Isian pada data sebelumnya tidak tersimpan: %1</source>
        <translation>Entry on the previous record not saved: %1</translation>
    </message>
</context>
<context>
    <name>RegionPicker</name>
    <message>
        <location filename="../../silon_desktop/ui/region_picker.py" line="41"/>
        <source>Provinsi</source>
        <translation>Province</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/region_picker.py" line="42"/>
        <source>Kab/Kota</source>
        <translation>Regency/City</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/region_picker.py" line="43"/>
        <source>Kecamatan</source>
        <translation>Kecamatan</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/region_picker.py" line="44"/>
        <source>Desa/Kel.</source>
        <translation>Village</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../silon_desktop/ui/settings_dialog.py" line="28"/>
        <source>Pengaturan</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/settings_dialog.py" line="33"/>
        <source>kosong: sertifikat bawaan sistem</source>
        <translation>empty: the system&apos;s certificates</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/settings_dialog.py" line="34"/>
        <source>Pilih...</source>
        <translation>Choose...</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/settings_dialog.py" line="47"/>
        <source>Alamat server</source>
        <translation>Server address</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/settings_dialog.py" line="48"/>
        <source>Berkas CA (PEM)</source>
        <translation>CA file (PEM)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/settings_dialog.py" line="49"/>
        <source>Bahasa</source>
        <translation>Language</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/settings_dialog.py" line="50"/>
        <source>Perubahan bahasa berlaku setelah aplikasi dibuka ulang.</source>
        <translation>A language change takes effect after the application is restarted.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/settings_dialog.py" line="43"/>
        <source> menit</source>
        <translation> minutes</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/settings_dialog.py" line="47"/>
        <source>Jendela dikunci bila tidak ada ketikan atau klik selama waktu ini; kata sandi diminta lagi. Data latihan tidak dikunci.</source>
        <translation>The window locks when nothing is typed or clicked for this long; the password is asked again. Practice data is not locked.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/settings_dialog.py" line="62"/>
        <source>Kunci bila tidak digunakan</source>
        <translation>Lock when not in use</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/settings_dialog.py" line="64"/>
        <source>Berkas CA</source>
        <translation>CA file</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/settings_dialog.py" line="72"/>
        <source>Alamat server harus diawali http:// atau https://</source>
        <translation>The server address must start with http:// or https://</translation>
    </message>
</context>
<context>
    <name>SupportersModel</name>
    <message>
        <location filename="../../silon_desktop/ui/supporters_model.py" line="90"/>
        <source>NIK</source>
        <extracomment>(attribute of SupporterRow, sortable column name or None)</extracomment>
        <translation>NIK</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_model.py" line="91"/>
        <source>Nama</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_model.py" line="92"/>
        <source>Tgl lahir</source>
        <translation>Birth date</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_model.py" line="93"/>
        <source>L/P</source>
        <translation>M/F</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_model.py" line="94"/>
        <source>Desa/Kel.</source>
        <translation>Village</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_model.py" line="95"/>
        <source>Kecamatan</source>
        <translation>Kecamatan</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_model.py" line="96"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_model.py" line="97"/>
        <source>Alasan</source>
        <translation>Reasons</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_model.py" line="98"/>
        <source>Diverifikasi oleh</source>
        <translation>Verified by</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_model.py" line="203"/>
        <source>Ada tanggapan masyarakat</source>
        <translation>Citizen objection</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_model.py" line="229"/>
        <source>Dihapus</source>
        <translation>Deleted</translation>
    </message>
</context>
<context>
    <name>SupportersPage</name>
    <message>
        <source>Lihat kontak pelapor</source>
        <translation>Show the reporter's contact</translation>
    </message>
    <message>
        <source>Kontak yang ditinggalkan warga saat mengajukan tanggapan, untuk klarifikasi (perlu koneksi ke server; tidak disimpan di komputer ini)</source>
        <translation>The contact the citizen left with the objection, for clarification (needs a connection to the server; not kept on this computer)</translation>
    </message>
    <message>
        <source>Tidak ada tanggapan terbuka untuk pendukung ini (sudah ditindaklanjuti).</source>
        <translation>No open objection against this supporter (already answered).</translation>
    </message>
    <message>
        <source>Warga tidak meninggalkan nomor telepon atau e-mail.</source>
        <translation>The citizen left no phone number or e-mail.</translation>
    </message>
    <message>
        <source>Kontak pelapor: %1</source>
        <translation>Reporter's contact: %1</translation>
    </message>
    <message>
        <source>Kontak pelapor</source>
        <translation>Reporter's contact</translation>
    </message>
    <message>
        <source>Tahap penyerahan</source>
        <translation>Submission round</translation>
    </message>
    <message>
        <source>Masa penyerahan dukungan sudah berakhir: pendukung yang ditambahkan sekarang diserahkan pada masa perbaikan. Tahap:</source>
        <translation>The submission period has ended: supporters added now are handed in during a correction period. Round:</translation>
    </message>
    <message>
        <source>Hasil verifikasi %1 pendukung baru berubah karena sinkronisasi (lihat tabel). Tekan tombolnya lagi untuk tetap mengubahnya.</source>
        <translation>The verification result of %1 supporters has just been changed by a sync (see the table). Press the key again to change it anyway.</translation>
    </message>
    <message>
        <source>P&amp;ulihkan...</source>
        <translation>R&amp;estore...</translation>
    </message>
    <message>
        <source>Pulihkan dukungan pasangan ini yang ditarik karena keliru</source>
        <translation>Restore support of this pair withdrawn by mistake</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_page.py" line="105"/>
        <source>&amp;Tambah pendukung</source>
        <translation>&amp;Add supporter</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_page.py" line="140"/>
        <source>NIK diawali...</source>
        <translation>NIK starts with...</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_page.py" line="144"/>
        <source>Nama memuat...</source>
        <translation>Name contains...</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_page.py" line="151"/>
        <source>Semua status</source>
        <translation>All statuses</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_page.py" line="156"/>
        <source>Semua alasan</source>
        <translation>All reasons</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_page.py" line="278"/>
        <source>Semua tahap</source>
        <translation>All rounds</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_page.py" line="165"/>
        <source>Ada tanggapan masyarakat</source>
        <translation>Citizen objection</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_page.py" line="183"/>
        <source>Saring:</source>
        <translation>Filter:</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_page.py" line="222"/>
        <source>Verifikasi</source>
        <translation>Verification</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_page.py" line="223"/>
        <source>Mode verifikasi dengan tombol</source>
        <translation>Verification mode with keys</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_page.py" line="227"/>
        <source>Verifikasi administrasi</source>
        <translation>Administrative verification</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_page.py" line="228"/>
        <source>Verifikasi faktual</source>
        <translation>Field verification</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_page.py" line="243"/>
        <source>Tombol:</source>
        <translation>Keys:</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_page.py" line="243"/>
        <source>lewati</source>
        <translation>skip</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_page.py" line="323"/>
        <location filename="../../silon_desktop/ui/supporters_page.py" line="389"/>
        <location filename="../../silon_desktop/ui/supporters_page.py" line="417"/>
        <source>Tidak tersimpan</source>
        <translation>Not saved</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_page.py" line="379"/>
        <source>Menyimpan verifikasi %1 pendukung...</source>
        <extracomment>selections larger than this are written on a worker thread (a few ms per row)</extracomment>
        <translation>Saving the verification of %1 supporters...</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_page.py" line="382"/>
        <source>Gagal</source>
        <translation>Failed</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_page.py" line="474"/>
        <source>Verifikasi sekaligus</source>
        <translation>Verify a selection</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_page.py" line="475"/>
        <source>Tandai %1 pendukung yang dipilih: %2?</source>
        <translation>Mark the %1 selected supporters: %2?</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_page.py" line="516"/>
        <source>Status akhir: %1</source>
        <translation>Final status: %1</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_page.py" line="522"/>
        <source>Vermin: %1 oleh %2, %3</source>
        <translation>Admin: %1 by %2, %3</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_page.py" line="529"/>
        <source>Verfak: %1 (%2) oleh %3, %4</source>
        <translation>Field: %1 (%2) by %3, %4</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_page.py" line="566"/>
        <location filename="../../silon_desktop/ui/supporters_page.py" line="583"/>
        <source>Semua desa/kel.</source>
        <translation>All villages</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_page.py" line="576"/>
        <source>Semua kecamatan</source>
        <translation>All kecamatan</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_page.py" line="598"/>
        <source>Belum diperiksa</source>
        <translation>Unchecked</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_page.py" line="599"/>
        <source>Jumlah</source>
        <translation>Total</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_page.py" line="600"/>
        <source>Tanggapan masyarakat</source>
        <translation>Citizen objections</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_page.py" line="601"/>
        <source>Ditampilkan</source>
        <translation>Shown</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_page.py" line="1165"/>
        <source>Seluruh pasangan:</source>
        <translation>Whole pair:</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/supporters_page.py" line="154"/>
        <source>Ditampilkan: baris yang sesuai saringan. MS, BMS, TMS dan jumlah lainnya: seluruh pasangan, tanpa saringan.</source>
        <translation>Shown: the rows matching the filter. MS, BMS, TMS and the other counts: the whole pair, unfiltered.</translation>
    </message>
    <message>
        <source>Batal</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Dibatalkan: tidak ada yang diubah.</source>
        <translation>Cancelled: nothing was changed.</translation>
    </message>
    <message>
        <source>Verifikasi %1 pendukung</source>
        <translation>Verify %1 supporters</translation>
    </message>
    <message>
        <source>%1 pendukung telah berubah sejak itu (sinkronisasi) dan tidak diurungkan.</source>
        <translation>%1 supporters changed since (sync) and were not undone.</translation>
    </message>
    <message>
        <source>%1 pendukung dengan tanggapan masyarakat dilewati: verifikasi sekaligus tidak menjawab tanggapan warga. Klarifikasi, lalu beri verifikasinya satu per satu (filter Ada tanggapan masyarakat).</source>
        <translation>%1 supporters with a citizen&apos;s objection were skipped: a bulk verdict does not answer a citizen&apos;s objection. Clarify, then give their verdicts one by one (filter Citizen objection).</translation>
    </message>
    <message>
        <source>%1 pendukung lain yang dipilih punya tanggapan masyarakat dan dilewati: masing-masing perlu verifikasinya sendiri setelah klarifikasi.</source>
        <translation>%1 other selected supporters have a citizen&apos;s objection and are skipped: each needs its own verdict after clarification.</translation>
    </message>
    <message>
        <source>Tidak ada lagi pendukung yang belum diverifikasi.</source>
        <translation>No supporter left that is not verified yet.</translation>
    </message>
    <message>
        <source>Tandai %1 pendukung yang dipilih: %2?

Semua %1 pendukung itu mendapat hasil yang sama. Dapat diurungkan dengan Ctrl+Z.</source>
        <translation>Mark the %1 selected supporters: %2?

All %1 supporters get the same result. Ctrl+Z undoes it.</translation>
    </message>
    <message>
        <source>Belum diverifikasi</source>
        <translation>Not verified yet</translation>
    </message>
    <message>
        <source>Ta&amp;rik dukungan...</source>
        <translation>&amp;Withdraw support...</translation>
    </message>
    <message>
        <source>Tarik data pendukung yang dipilih, dengan alasannya (riwayat tetap disimpan)</source>
        <translation>Withdraw the selected supporter with its reason (the history is kept)</translation>
    </message>
    <message>
        <source>&amp;Gabungkan ganda...</source>
        <translation>&amp;Merge duplicates...</translation>
    </message>
    <message>
        <source>Pilih dua baris data orang yang sama: satu dipertahankan, satu ditarik</source>
        <translation>Select two rows of the same person: one is kept, one withdrawn</translation>
    </message>
    <message>
        <source>KTP-el/pernyataan &amp;ada</source>
        <translation>e-ID/s&amp;tatement present</translation>
    </message>
    <message>
        <source>Tandai pindaian KTP-el atau surat pernyataan identitas ada, untuk baris terpilih</source>
        <translation>Mark the e-ID scan or identity statement as present for the selected rows</translation>
    </message>
    <message>
        <source>Tidak ditarik</source>
        <translation>Not withdrawn</translation>
    </message>
    <message>
        <source>Gabungkan ganda</source>
        <translation>Merge duplicates</translation>
    </message>
    <message>
        <source>Pilih tepat dua baris pendukung (Ctrl+klik) yang merupakan orang sama.</source>
        <translation>Select exactly two supporter rows (Ctrl+click) of the same person.</translation>
    </message>
    <message>
        <source>Tidak digabungkan</source>
        <translation>Not merged</translation>
    </message>
    <message>
        <source>KTP-el/pernyataan</source>
        <translation>e-ID/statement</translation>
    </message>
    <message>
        <source>Tandai %1 pendukung yang dipilih: pindaian KTP-el/pernyataan ada?</source>
        <translation>Mark the %1 selected supporters: e-ID scan/statement present?</translation>
    </message>
</context>
<context>
    <name>SyncStatusWidget</name>
    <message>
        <location filename="../../silon_desktop/ui/sync_status_widget.py" line="167"/>
        <source>Status server belum diketahui</source>
        <extracomment>a run starts by itself at most this often while changes wait and the server answers</extracomment>
        <translation>Server status not known yet</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/sync_status_widget.py" line="184"/>
        <source>Sinkronkan (F5)</source>
        <translation>Sync (F5)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/sync_status_widget.py" line="187"/>
        <source>Batal</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/sync_status_widget.py" line="212"/>
        <source>● Belum tersambung</source>
        <translation>● Not connected yet</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/sync_status_widget.py" line="215"/>
        <source>● Daring</source>
        <translation>● Online</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/sync_status_widget.py" line="218"/>
        <source>● Luring</source>
        <translation>● Offline</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/sync_status_widget.py" line="221"/>
        <source>Belum terkirim: %1</source>
        <translation>Not sent: %1</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/sync_status_widget.py" line="222"/>
        <source>Konflik: %1</source>
        <translation>Conflicts: %1</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/sync_status_widget.py" line="227"/>
        <source>Sinkron terakhir: %1</source>
        <translation>Last sync: %1</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/sync_status_widget.py" line="233"/>
        <source>Sinkronisasi...</source>
        <translation>Syncing...</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/sync_status_widget.py" line="240"/>
        <source>Kirim</source>
        <translation>Push</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/sync_status_widget.py" line="241"/>
        <source>Ambil</source>
        <translation>Pull</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/sync_status_widget.py" line="242"/>
        <source>Terapkan</source>
        <translation>Apply</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/sync_status_widget.py" line="243"/>
        <source>Selesaikan</source>
        <translation>Resolve</translation>
    </message>
</context>
<context>
    <name>forms</name>
    <message>
        <source>Jumlah suara sah pemilu DPRD terakhir</source>
        <translation>Valid votes in the last DPRD election</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="17"/>
        <source>Bupati</source>
        <translation>Regent (bupati)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="18"/>
        <source>Wali kota</source>
        <translation>Mayor (wali kota)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="19"/>
        <source>Gubernur</source>
        <translation>Governor</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="22"/>
        <source>Nama pemilihan</source>
        <translation>Election name</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="23"/>
        <source>Jenis</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="25"/>
        <source>Wilayah</source>
        <translation>Region</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="27"/>
        <source>Tahun</source>
        <translation>Year</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="28"/>
        <source>Jumlah DPT</source>
        <translation>DPT size</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="31"/>
        <source>Jumlah kecamatan (kab/kota untuk gubernur)</source>
        <translation>Number of kecamatan (regencies/cities for governor)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="35"/>
        <source>Batas penyerahan dukungan</source>
        <translation>Last day to submit support</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="37"/>
        <source>Tanggal penetapan</source>
        <translation>Confirmation date (penetapan)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="43"/>
        <source>Perseorangan</source>
        <translation>Independent</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="44"/>
        <source>Partai politik</source>
        <translation>Political parties</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="47"/>
        <source>Draf</source>
        <translation>Draft</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="48"/>
        <source>Diajukan</source>
        <translation>Submitted</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="49"/>
        <source>Ditetapkan</source>
        <translation>Confirmed</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="50"/>
        <source>Ditolak</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="53"/>
        <source>Nomor urut</source>
        <translation>Ballot number</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="54"/>
        <source>Jalur</source>
        <translation>Route</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="55"/>
        <source>Nama bakal calon kepala</source>
        <translation>Head candidate&apos;s name</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="56"/>
        <source>Nama bakal calon wakil</source>
        <translation>Deputy candidate&apos;s name</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="57"/>
        <location filename="../../silon_desktop/ui/forms.py" line="142"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="80"/>
        <source>Calon kepala daerah</source>
        <translation>Head of region candidate</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="81"/>
        <source>Calon wakil</source>
        <translation>Deputy candidate</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="64"/>
        <source>Laki-laki</source>
        <translation>Male</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="65"/>
        <source>Perempuan</source>
        <translation>Female</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="72"/>
        <source>Belum kawin</source>
        <translation>Never married</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="73"/>
        <source>Kawin</source>
        <translation>Married</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="74"/>
        <source>Pernah kawin</source>
        <translation>Previously married</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="85"/>
        <source>Kedudukan</source>
        <translation>Position</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="86"/>
        <location filename="../../silon_desktop/ui/forms.py" line="103"/>
        <source>NIK</source>
        <translation>NIK</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="87"/>
        <source>Nama lengkap</source>
        <translation>Full name</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="88"/>
        <location filename="../../silon_desktop/ui/forms.py" line="107"/>
        <source>Jenis kelamin</source>
        <translation>Sex</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="89"/>
        <location filename="../../silon_desktop/ui/forms.py" line="105"/>
        <source>Tempat lahir</source>
        <translation>Birth place</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="90"/>
        <location filename="../../silon_desktop/ui/forms.py" line="106"/>
        <source>Tanggal lahir</source>
        <translation>Birth date</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="91"/>
        <location filename="../../silon_desktop/ui/forms.py" line="112"/>
        <source>Alamat</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="92"/>
        <source>Pendidikan terakhir</source>
        <translation>Highest education</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="93"/>
        <location filename="../../silon_desktop/ui/forms.py" line="111"/>
        <source>Pekerjaan</source>
        <translation>Occupation</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="95"/>
        <location filename="../../silon_desktop/ui/forms.py" line="109"/>
        <source>Status perkawinan</source>
        <translation>Marital status</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="104"/>
        <source>Nama</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="113"/>
        <source>RT</source>
        <translation>RT</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="114"/>
        <source>RW</source>
        <translation>RW</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="116"/>
        <source>Desa/Kelurahan</source>
        <translation>Village</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="123"/>
        <source>Nama partai</source>
        <translation>Party name</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="124"/>
        <source>Jumlah kursi DPRD</source>
        <translation>DPRD seats</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="125"/>
        <source>Suara sah</source>
        <translation>Valid votes</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="135"/>
        <source>Belum diserahkan</source>
        <translation>Not submitted</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="136"/>
        <source>Diserahkan, belum diperiksa</source>
        <translation>Submitted, not checked</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="137"/>
        <source>Sesuai</source>
        <translation>Valid</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="138"/>
        <source>Tidak sesuai</source>
        <translation>Not valid</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="141"/>
        <source>Jenis dokumen</source>
        <translation>Document kind</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/forms.py" line="143"/>
        <source>Catatan</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>KTP-el/pernyataan</source>
        <translation>E-ID/statement</translation>
    </message>
    <message>
        <source>Ada</source>
        <translation>Present</translation>
    </message>
    <message>
        <source>Tidak ada</source>
        <translation>None</translation>
    </message>
    <message>
        <source>Syarat dukungan menurut keputusan KPU</source>
        <translation>Support threshold in the KPU decree</translation>
    </message>
    <message>
        <source>Syarat sebaran menurut keputusan KPU</source>
        <translation>Spread requirement in the KPU decree</translation>
    </message>
    <message>
        <source>Syarat suara sah partai menurut keputusan KPU</source>
        <translation>Party valid votes threshold in the KPU decree</translation>
    </message>
</context>
<context>
    <name>labels</name>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Wilayah data</source>
        <translation>Data region</translation>
    </message>
    <message>
        <source>Versi</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Diubah</source>
        <translation>Changed</translation>
    </message>
    <message>
        <source>Alasan</source>
        <translation>Reasons</translation>
    </message>
    <message>
        <source>Penyerahan dukungan</source>
        <translation>Submission of support</translation>
    </message>
    <message>
        <source>Perbaikan I</source>
        <translation>Correction I</translation>
    </message>
    <message>
        <source>Perbaikan II</source>
        <translation>Correction II</translation>
    </message>
    <message>
        <source>Suara sah pemilu DPRD</source>
        <translation>DPRD election valid votes</translation>
    </message>
    <message>
        <source>Dibuat KPU kabupaten/kota</source>
        <translation>Made by the KPU of the kabupaten/kota</translation>
    </message>
    <message>
        <source>Kursi DPRD</source>
        <translation>DPRD seats</translation>
    </message>
    <message>
        <source>Alasan lain (%1)</source>
        <translation>Other reason (%1)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="15"/>
        <source>NIK tidak sesuai format</source>
        <translation>NIK not in the right format</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="16"/>
        <source>Kode wilayah NIK tidak dikenal</source>
        <translation>NIK region code unknown</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="17"/>
        <source>Tgl lahir/jenis kelamin tidak sesuai NIK</source>
        <translation>Birth date/sex does not match the NIK</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="19"/>
        <source>NIK dari sel angka (digit terakhir mungkin hilang)</source>
        <translation>NIK from a number cell (last digit may be lost)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="21"/>
        <source>Data wajib kosong</source>
        <translation>Required data missing</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="22"/>
        <source>Belum berusia 17 tahun dan belum kawin</source>
        <translation>Under 17 and never married</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="23"/>
        <source>Domisili di luar wilayah pemilihan</source>
        <translation>Domicile outside the election&apos;s region</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="24"/>
        <source>Tidak terdaftar di DPT</source>
        <translation>Not on the voter list (DPT)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="26"/>
        <source>Pekerjaan dilarang (TNI/Polri/ASN/penyelenggara/perangkat desa)</source>
        <translation>Banned occupation (TNI/Polri/ASN/election official/village official)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="30"/>
        <source>Tanpa KTP-el / tanda tangan</source>
        <translation>No e-ID scan / signature</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="31"/>
        <source>Ganda identik</source>
        <translation>Identical duplicate</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="32"/>
        <source>Potensi ganda</source>
        <translation>Potential duplicate</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="34"/>
        <source>Ganda eksternal (mendukung pasangan lain)</source>
        <translation>External duplicate (supports another pair)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="36"/>
        <source>Meninggal dunia</source>
        <translation>Deceased</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="37"/>
        <source>Tidak ditemui setelah tiga kali kunjungan</source>
        <translation>Not found after three visits</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="38"/>
        <source>Menyatakan tidak mendukung (BA.5-KWK)</source>
        <translation>Denies support (BA.5-KWK)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="45"/>
        <source>ya</source>
        <translation>yes</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="45"/>
        <source>tidak</source>
        <translation>no</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="51"/>
        <source>MS (memenuhi syarat)</source>
        <translation>MS (qualified)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="52"/>
        <source>BMS (belum memenuhi syarat)</source>
        <translation>BMS (not yet qualified)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="53"/>
        <source>TMS (tidak memenuhi syarat)</source>
        <translation>TMS (not qualified)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="54"/>
        <location filename="../../silon_desktop/ui/labels.py" line="55"/>
        <source>Belum diperiksa</source>
        <translation>Unchecked</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="62"/>
        <source>Dikunjungi di rumah</source>
        <translation>Visited at home</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="63"/>
        <source>Dikumpulkan oleh LO</source>
        <translation>Gathered by the LO</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="64"/>
        <source>Datang ke kantor PPS</source>
        <translation>Came to the PPS office</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="65"/>
        <source>Panggilan video (menunjukkan KTP-el)</source>
        <translation>Video call (showing the e-ID)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="72"/>
        <source>Ijazah (paling rendah SLTA)</source>
        <translation>Diploma (at least upper secondary)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="73"/>
        <source>Surat keterangan sehat</source>
        <translation>Health certificate</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="74"/>
        <source>SKCK</source>
        <translation>Police certificate (SKCK)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="75"/>
        <source>Tanda terima LHKPN</source>
        <translation>LHKPN receipt</translation>
    </message>
    <message>
        <source>NPWP</source>
        <translation>NPWP (tax ID number)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="77"/>
        <source>Daftar riwayat hidup</source>
        <translation>Curriculum vitae</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="78"/>
        <source>Surat pernyataan</source>
        <translation>Signed statement</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="79"/>
        <source>Laporan SPT pajak</source>
        <translation>Tax returns (SPT)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="80"/>
        <source>KTP-el</source>
        <translation>e-ID card (KTP-el)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="81"/>
        <source>Pas foto</source>
        <translation>Photograph</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="82"/>
        <source>Surat keterangan tidak pailit</source>
        <translation>Certificate of no bankruptcy</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="83"/>
        <source>Lainnya</source>
        <translation>Other</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="90"/>
        <source>Tersimpan di komputer ini</source>
        <translation>Saved on this computer</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="91"/>
        <source>Menunggu dikirim</source>
        <translation>Waiting to be sent</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="92"/>
        <source>Terkirim, menunggu jawaban server</source>
        <translation>Sent, waiting for the server&apos;s answer</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="93"/>
        <source>Diterima server</source>
        <translation>Received by server</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="94"/>
        <source>Konflik</source>
        <translation>Conflict</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="95"/>
        <source>Ditolak server</source>
        <translation>Rejected by the server</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="110"/>
        <source>diisi oleh KPU di atas akun ini</source>
        <translation>set by the KPU above this account</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="110"/>
        <source>tahapannya sudah ditutup</source>
        <translation>its stage has closed</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="110"/>
        <source>di luar wilayah akun ini</source>
        <translation>outside this account's region</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="110"/>
        <source>di luar wilayah atau hak akun ini</source>
        <translation>outside this account's region or rights</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="110"/>
        <source>partai ini sudah mengusung pasangan lain</source>
        <translation>this party already nominates another pair</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="111"/>
        <source>pasangan ini sudah punya calon dengan kedudukan ini</source>
        <translation>this pair already has a candidate in this position</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="112"/>
        <source>orang ini sudah dicalonkan dalam pasangan lain</source>
        <translation>this person already stands in another pair</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="110"/>
        <source>data induknya tidak ada di server</source>
        <translation>the record it belongs to is not on the server</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="110"/>
        <source>isian tidak diterima server</source>
        <translation>the value was not accepted by the server</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="107"/>
        <source>pemilihan ini masih punya pasangan calon: hapus atau pindahkan pasangan calonnya dulu, lalu hapus pemilihannya</source>
        <translation>this election still has candidate pairs: delete or move its pairs first, then delete the election</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="107"/>
        <source>pemilihan ini dibuat dan dikelola KPU RI: hanya KPU RI yang dapat menghapusnya</source>
        <translation>this election was made and is administered by KPU RI: only KPU RI can delete it</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="107"/>
        <source>%1 pemilihan ini sudah diisi KPU RI: hanya KPU RI yang dapat menghapusnya</source>
        <translation>the election's %1 was set by KPU RI: only KPU RI can delete it</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="107"/>
        <source>nomor data ini sudah dipakai data jenis lain di server</source>
        <translation>this record's number is used by a record of another kind on the server</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="107"/>
        <source>nomor perubahan ini sudah dipakai untuk data lain di server</source>
        <translation>this change's number was already used for another record on the server</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="107"/>
        <source>wilayah data ini berbeda dengan yang tercatat di server: wilayah data tidak dapat diubah</source>
        <translation>this record's region differs from the one the server holds: a record's region cannot be changed</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="107"/>
        <source>kode wilayah data ini tidak sah</source>
        <translation>this record's region code is not valid</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="107"/>
        <source>hanya pendukung yang ditarik yang dapat dikembalikan</source>
        <translation>only a withdrawn supporter can be restored</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="107"/>
        <source>versi data di komputer ini tidak cocok dengan versi di server: sinkronkan dulu, lalu ulangi</source>
        <translation>the version on this computer does not match the server's: synchronise first, then try again</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="107"/>
        <source>jenis data ini tidak dikenal server</source>
        <translation>the server does not know this kind of record</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="107"/>
        <source>isian ini tidak dikenal server</source>
        <translation>the server does not know this field</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="107"/>
        <source>isian ini hanya diisi oleh server</source>
        <translation>only the server fills in this field</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="107"/>
        <source>bentuk isiannya tidak sesuai</source>
        <translation>the value has the wrong form</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="107"/>
        <source>isiannya terlalu panjang</source>
        <translation>the value is too long</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="107"/>
        <source>isiannya memuat karakter yang tidak boleh</source>
        <translation>the value contains characters that are not allowed</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="107"/>
        <source>nilai isiannya tidak sah</source>
        <translation>the value is not valid</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="121"/>
        <location filename="../../silon_desktop/ui/labels.py" line="148"/>
        <source>Pemilihan</source>
        <extracomment>Verification keys: key text -&gt; (status or None for &quot;by the rule set&quot;, reason code or &quot;&quot;). One key for MS; one per reason; the rule set decides whether a reason is BMS or TMS.</extracomment>
        <translation>Election</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="122"/>
        <source>Pasangan calon</source>
        <translation>Candidate pair</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="123"/>
        <location filename="../../silon_desktop/ui/labels.py" line="175"/>
        <source>Calon</source>
        <translation>Candidate</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="124"/>
        <source>Dokumen syarat</source>
        <translation>Requirement document</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="125"/>
        <source>Partai pengusung</source>
        <translation>Nominating party</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="126"/>
        <source>Pendukung</source>
        <translation>Supporter</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="133"/>
        <source>NIK</source>
        <translation>NIK</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="134"/>
        <source>Nama</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="135"/>
        <source>Tanggal lahir</source>
        <translation>Birth date</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="136"/>
        <source>Tempat lahir</source>
        <translation>Birth place</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="137"/>
        <source>Jenis kelamin</source>
        <translation>Sex</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="138"/>
        <source>Alamat</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="139"/>
        <source>Nama calon kepala</source>
        <translation>Head candidate&apos;s name</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="140"/>
        <source>Nama calon wakil</source>
        <translation>Deputy candidate&apos;s name</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="141"/>
        <source>Nama partai</source>
        <translation>Party name</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="142"/>
        <source>Kursi</source>
        <translation>Seats</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="143"/>
        <source>Suara sah</source>
        <translation>Valid votes</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="144"/>
        <source>DPT</source>
        <translation>DPT</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="145"/>
        <source>Nomor urut</source>
        <translation>Ballot number</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="146"/>
        <source>RT</source>
        <translation>RT</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="147"/>
        <source>RW</source>
        <translation>RW</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="149"/>
        <source>Pasangan</source>
        <translation>Pair</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="150"/>
        <source>Jalur</source>
        <translation>Route</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="151"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="152"/>
        <source>Status vermin</source>
        <translation>Admin verification status</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="153"/>
        <source>Alasan vermin</source>
        <translation>Admin verification reasons</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="154"/>
        <source>Status verfak</source>
        <translation>Field verification status</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="155"/>
        <source>Alasan verfak</source>
        <translation>Field verification reasons</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="156"/>
        <source>Cara ditemui</source>
        <translation>How met</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="157"/>
        <source>Desa/Kelurahan</source>
        <translation>Village</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="158"/>
        <source>Kecamatan</source>
        <translation>Kecamatan</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="159"/>
        <source>Jenis</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="160"/>
        <source>Wilayah</source>
        <translation>Region</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="161"/>
        <source>Tahun</source>
        <translation>Year</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="162"/>
        <source>Jumlah kecamatan/kab-kota</source>
        <translation>Number of districts/regencies</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="163"/>
        <source>Aturan</source>
        <translation>Rule set</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="164"/>
        <source>Awal penyerahan dukungan</source>
        <translation>Support submission opens</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="165"/>
        <source>Batas penyerahan dukungan</source>
        <translation>Support submission deadline</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="166"/>
        <source>Akhir verifikasi administrasi</source>
        <translation>End of administrative verification</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="167"/>
        <source>Akhir masa perbaikan</source>
        <translation>End of correction round</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="168"/>
        <source>Akhir verifikasi faktual</source>
        <translation>End of field verification</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="169"/>
        <source>Tanggal pendaftaran</source>
        <translation>Registration date</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="170"/>
        <source>Tanggal penetapan</source>
        <translation>Confirmation date</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="171"/>
        <source>Kedudukan</source>
        <translation>Role</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="172"/>
        <source>Pendidikan terakhir</source>
        <translation>Highest education</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="173"/>
        <source>Pekerjaan</source>
        <translation>Occupation</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="174"/>
        <source>Status perkawinan</source>
        <translation>Marital status</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="176"/>
        <source>Berkas</source>
        <translation>File</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="177"/>
        <source>Sidik berkas (SHA-256)</source>
        <translation>File fingerprint (SHA-256)</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="178"/>
        <source>Ukuran berkas</source>
        <translation>File size</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="179"/>
        <source>Catatan</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="180"/>
        <source>Kab/Kota</source>
        <translation>Regency/City</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="181"/>
        <source>Pindaian KTP-el</source>
        <translation>E-ID scan</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="182"/>
        <source>NIK dari sel angka</source>
        <translation>NIK from a number cell</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="183"/>
        <source>Status pemeriksaan otomatis</source>
        <translation>Automatic check status</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="184"/>
        <source>Alasan pemeriksaan otomatis</source>
        <translation>Automatic check reasons</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="185"/>
        <source>Pemeriksa vermin</source>
        <translation>Admin. verified by</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="186"/>
        <source>Waktu vermin</source>
        <translation>Admin. verified at</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="187"/>
        <source>Pemeriksa verfak</source>
        <translation>Field verified by</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="188"/>
        <source>Waktu verfak</source>
        <translation>Field verified at</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="189"/>
        <source>Ganda eksternal</source>
        <translation>External duplicate</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="190"/>
        <source>Ada tanggapan masyarakat</source>
        <translation>Citizen objection</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="191"/>
        <source>Dihapus</source>
        <translation>Deleted</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="199"/>
        <source>Wajib diisi.</source>
        <translation>Required.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="200"/>
        <source>Jenis isian salah.</source>
        <translation>Wrong kind of value.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="201"/>
        <source>Terlalu panjang (paling banyak %1 karakter).</source>
        <translation>Too long (at most %1 characters).</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="202"/>
        <source>Berisi karakter yang tidak diizinkan.</source>
        <translation>Contains characters that are not allowed.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="203"/>
        <source>Nilai tidak diizinkan (pilihan: %1).</source>
        <translation>Value not allowed (choices: %1).</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="204"/>
        <source>Kode wilayah tidak sah.</source>
        <translation>Invalid region code.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="206"/>
        <source>Kode wilayah tidak sesuai dengan jenis pemilihan.</source>
        <translation>The region code does not fit the election kind.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="209"/>
        <source>Kota dan kabupaten administrasi Jakarta tidak memilih wali kota atau bupati.</source>
        <translation>Jakarta's administrative cities and regency elect no mayor or regent.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="207"/>
        <source>Wilayah pemilihan harus wilayah data ini (%1).</source>
        <translation>The election's region must be the region of this data (%1).</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="208"/>
        <source>Tidak boleh negatif.</source>
        <translation>Must not be negative.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="209"/>
        <source>Angka terlalu besar (paling besar %1).</source>
        <translation>Number too large (at most %1).</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="210"/>
        <source>Di luar rentang yang wajar (%1).</source>
        <translation>Outside the plausible range (%1).</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="211"/>
        <source>Terlalu banyak isian (paling banyak %1).</source>
        <translation>Too many entries (at most %1).</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="212"/>
        <source>Kode alasan tidak dikenal: %1.</source>
        <translation>Unknown reason code: %1.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="214"/>
        <source>NIK tidak sah: harus 16 angka dengan tanggal lahir yang benar.</source>
        <translation>Invalid NIK: must be 16 digits with a valid birth date.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="218"/>
        <source>NIK hanya boleh berisi angka.</source>
        <translation>A NIK may only contain digits.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="219"/>
        <source>Hanya boleh berisi angka.</source>
        <translation>Digits only.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="220"/>
        <source>Nama berkas tidak sah.</source>
        <translation>Invalid file name.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/labels.py" line="225"/>
        <source>Isian %1 tidak sah (%2).</source>
        <translation>Field %1 is not valid (%2).</translation>
    </message>
    <message>
        <source>Belum diverifikasi</source>
        <translation>Not verified yet</translation>
    </message>
    <message>
        <source>Tahap penyerahan</source>
        <translation>Submission round</translation>
    </message>
    <message>
        <source>Syarat dukungan (keputusan KPU)</source>
        <translation>Support threshold (KPU decree)</translation>
    </message>
    <message>
        <source>Syarat sebaran (keputusan KPU)</source>
        <translation>Spread requirement (KPU decree)</translation>
    </message>
    <message>
        <source>Syarat suara sah partai (keputusan KPU)</source>
        <translation>Party valid votes threshold (KPU decree)</translation>
    </message>
    <message>
        <source>Alasan penarikan</source>
        <translation>Withdrawal reason</translation>
    </message>
    <message>
        <source>Catatan penarikan</source>
        <translation>Withdrawal note</translation>
    </message>
    <message>
        <source>Ditarik oleh</source>
        <translation>Withdrawn by</translation>
    </message>
    <message>
        <source>Waktu penarikan</source>
        <translation>Withdrawn at</translation>
    </message>
    <message>
        <source>Ganda dari</source>
        <translation>Duplicate of</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <source>Kata sandi sekarang: wajib diisi.</source>
        <translation>Current password: required.</translation>
    </message>
    <message>
        <source>Kata sandi baru: terlalu pendek, paling sedikit {min} karakter.</source>
        <translation>New password: too short, at least {min} characters.</translation>
    </message>
    <message>
        <source>Kata sandi baru: terlalu panjang, paling banyak {max} karakter.</source>
        <translation>New password: too long, at most {max} characters.</translation>
    </message>
    <message>
        <source>Kata sandi baru: sama dengan kata sandi sekarang. Pilih kata sandi lain.</source>
        <translation>New password: the same as the current password. Choose another password.</translation>
    </message>
    <message>
        <source>Akun ini diubah administrator (kata sandinya direset atau akunnya dinonaktifkan) saat kata sandi diperiksa. Kata sandi tidak diganti; keluar akun, lalu masuk lagi dengan kata sandi dari administrator.</source>
        <translation>An administrator changed this account (reset its password or disabled it) while the password was being checked. The password was not changed; log out, then log in again with the password from the administrator.</translation>
    </message>
    <message>
        <source>Kata sandi baru: tidak memenuhi aturan kata sandi server ini (panjangnya). Kata sandi tidak diganti; pilih kata sandi lain.</source>
        <translation>New password: it does not meet this server's password rule (its length). The password was not changed; choose another password.</translation>
    </message>
    <message>
        <source>Kata sandi sekarang: tidak diterima server (kosong atau terlalu panjang). Kata sandi tidak diganti; ketik lagi kata sandi sekarang.</source>
        <translation>Current password: not accepted by the server (empty or too long). The password was not changed; type the current password again.</translation>
    </message>
    <message>
        <source>Ulangi kata sandi baru: tidak sama dengan kata sandi baru. Ketik keduanya lagi.</source>
        <translation>Repeat new password: not the same as the new password. Type both again.</translation>
    </message>
    <message>
        <source>Kata sandi sekarang: salah. Kata sandi tidak diganti (percobaan yang salah dihitung seperti login yang salah).</source>
        <translation>Current password: wrong. The password was not changed (a wrong attempt counts as a wrong login).</translation>
    </message>
    <message>
        <source>LATIHAN: kata sandi akun latihan tidak dapat diganti, agar kata sandi di kartu meja tetap berlaku bagi peserta berikutnya di laptop ini. Kata sandi akun latihan diatur oleh pelatih.</source>
        <translation>PRACTICE: a practice account's password cannot be changed, so that the password on the desk card still works for the next trainee at this laptop. The trainer sets the practice accounts' passwords.</translation>
    </message>
    <message>
        <source>Mengganti kata sandi perlu koneksi ke server, dan server tidak dapat dihubungi. Kata sandi tidak diganti; coba lagi setelah komputer ini terhubung.</source>
        <translation>Changing the password needs a connection to the server, and the server cannot be reached. The password was not changed; try again once this computer is connected.</translation>
    </message>
    <message>
        <source>Kontak pelapor hanya ada di server dan server tidak dapat dihubungi. Coba lagi setelah komputer ini terhubung.</source>
        <translation>The reporter's contact is kept on the server only, and the server cannot be reached. Try again once this computer is connected.</translation>
    </message>
    <message>
        <source>Mengganti kata sandi perlu sesi daring, dan sesi ini sudah berakhir atau dibuka tanpa koneksi. Keluar akun, masuk lagi dengan Masuk, lalu ganti kata sandi.</source>
        <translation>Changing the password needs an online session, and this session has ended or was opened without a connection. Log out, log in again with Log in, then change the password.</translation>
    </message>
    <message>
        <source>Jawaban server tidak sampai, jadi belum pasti kata sandi sudah diganti. Sampai login daring berikutnya, kata sandi lama dan baru sama-sama membuka data di komputer ini; saat server dapat dihubungi, masuklah dengan kata sandi baru (bila ditolak, kata sandi lama masih berlaku).</source>
        <translation>The server's answer did not arrive, so it is not certain the password was changed. Until the next online login, both the old and the new password open the data on this computer; once the server can be reached, log in with the new password (if it is refused, the old password still holds).</translation>
    </message>
    <message>
        <source>Tahap {round} tidak ada dalam aturan pemilihan ini ({rules}); tidak ada yang diimpor. Pilih tahap yang ada (--round).</source>
        <translation>The round {round} is not in this election's rules ({rules}); nothing was imported. Choose a round it has (--round).</translation>
    </message>
    <message>
        <source>Kesalahan tak terduga: {detail}</source>
        <translation>Unexpected error: {detail}</translation>
    </message>
    <message>
        <source>Basis data lokal tidak dapat digunakan.</source>
        <translation>The local database cannot be used.</translation>
    </message>
    <message>
        <source>Basis data sedang dipakai oleh proses lain. Tutup aplikasi Silon lain lalu coba lagi.</source>
        <translation>The database is in use by another process. Close the other Silon application and try again.</translation>
    </message>
    <message>
        <source>Ruang disk penuh. Kosongkan ruang disk lalu coba lagi; data belum disimpan.</source>
        <translation>The disk is full. Free some disk space and try again; the data was not saved.</translation>
    </message>
    <message>
        <source>Ruang disk penuh; berkas tidak tersimpan. Kosongkan ruang disk lalu coba lagi.</source>
        <translation>The disk is full; the file was not saved. Free some disk space and try again.</translation>
    </message>
    <message>
        <source>Penulisan berkas dihentikan karena jendela ditutup atau dikunci; berkas tidak dibuat. Simpan lagi setelah masuk.</source>
        <translation>Writing the file was stopped because the window was closed or locked; the file was not made. Save it again after logging in.</translation>
    </message>
    <message>
        <source>Folder tujuan tidak ada atau tidak boleh ditulisi, atau berkas dengan nama itu sedang dibuka program lain (misalnya Excel); berkas tidak tersimpan. Tutup berkas itu atau pilih folder lain, lalu simpan lagi.</source>
        <translation>The target folder does not exist or may not be written to, or a file of that name is open in another program (such as Excel); the file was not saved. Close that file or choose another folder, then save again.</translation>
    </message>
    <message>
        <source>Ruang disk penuh; cadangan tidak dapat dibuat. Data yang sudah disimpan tetap utuh. Kosongkan ruang disk lalu coba lagi.</source>
        <translation>The disk is full; the backup could not be made. The data already saved is intact. Free some disk space and try again.</translation>
    </message>
    <message>
        <source>Ruang disk penuh; basis data tidak dipulihkan dan tetap seperti semula. Kosongkan ruang disk lalu coba lagi.</source>
        <translation>The disk is full; the database was not restored and stays as it was. Free some disk space and try again.</translation>
    </message>
    <message>
        <source>Berkas basis data rusak. Pulihkan dari cadangan (menu Berkas, Pulihkan dari cadangan, atau &apos;silon-desktop backup --restore&apos;).</source>
        <translation>The database file is damaged. Restore it from a backup (File menu, Restore from backup, or &apos;silon-desktop backup --restore&apos;).</translation>
    </message>
    <message>
        <source>Berkas basis data tidak dapat dibaca atau ditulisi. Periksa izin folder dan apakah disk (atau flashdisk) masih terpasang.</source>
        <translation>The database file cannot be read or written. Check the folder&apos;s permissions and whether the disk (or USB stick) is still attached.</translation>
    </message>
    <message>
        <source>Basis data ini dibuat oleh versi Silon Desktop yang lebih baru. Perbarui aplikasi terlebih dahulu.</source>
        <translation>This database was made by a newer version of Silon Desktop. Update the application first.</translation>
    </message>
    <message>
        <source>Isi kolom &apos;{field}&apos; tidak valid ({problem}).</source>
        <translation>The value of &apos;{field}&apos; is not valid ({problem}).</translation>
    </message>
    <message>
        <source>Data tidak ditemukan.</source>
        <translation>Record not found.</translation>
    </message>
    <message>
        <source>Data sudah dihapus.</source>
        <translation>The record has been deleted.</translation>
    </message>
    <message>
        <source>Berkas {name} tidak ditemukan.</source>
        <translation>File {name} not found.</translation>
    </message>
    <message>
        <source>Berkas {name} tidak dapat dibaca: {detail}</source>
        <translation>File {name} cannot be read: {detail}</translation>
    </message>
    <message>
        <source>Berkas {name} rusak atau terpotong (tidak lengkap): {detail}</source>
        <translation>File {name} is damaged or cut short (incomplete): {detail}</translation>
    </message>
    <message>
        <source>Berkas {name} bukan lembar kerja XLSX, XLS, ODS atau CSV.</source>
        <translation>File {name} is not an XLSX, XLS, ODS or CSV spreadsheet.</translation>
    </message>
    <message>
        <source>Berkas {name}: tanda kutip (&quot;) yang dibuka di baris {detail} tidak ditutup, sehingga baris-baris sesudahnya terbaca sebagai satu sel. Perbaiki tanda kutip itu lalu impor lagi.</source>
        <translation>File {name}: the quote (&quot;) opened on line {detail} is never closed, so the lines after it were read as one cell. Fix that quote and import again.</translation>
    </message>
    <message>
        <source>Berkas {name} tidak berisi baris data (kosong, atau hanya baris judul kolom).</source>
        <translation>File {name} holds no data rows (empty, or only the header row).</translation>
    </message>
    <message>
        <source>Berkas {name}: baris judul kolom tidak ditemukan (dicari kolom NIK, Nama, Tempat/Tanggal Lahir, Jenis Kelamin, Alamat, Desa/Kelurahan, Kecamatan).</source>
        <translation>File {name}: no header row found (looked for the columns NIK, Name, Place/Date of birth, Sex, Address, Village, District).</translation>
    </message>
    <message>
        <source>Berkas {name}: baris judul ditemukan, tetapi kolom {columns} tidak ada. Tambahkan kolom itu (atau ubah judulnya, misalnya NIK dan NAMA) lalu coba lagi.</source>
        <translation>File {name}: the header row was found, but the column {columns} is missing. Add that column (or rename its header, e.g. NIK and NAMA) and try again.</translation>
    </message>
    <message>
        <source>Berkas {name} dilindungi kata sandi; simpan ulang tanpa kata sandi.</source>
        <translation>File {name} is password-protected; save it again without a password.</translation>
    </message>
    <message>
        <source>Berkas {name} ditolak: ukurannya tidak wajar ({detail}). Berkas tidak dibuka agar komputer tidak kehabisan memori; simpan ulang dari program lembar kerja, atau pecah menjadi beberapa berkas.</source>
        <translation>File {name} refused: its size is not plausible ({detail}). It was not opened so that the computer does not run out of memory; save it again from the spreadsheet program, or split it into several files.</translation>
    </message>
    <message>
        <source>{name} adalah folder, bukan berkas; pilih berkas XLSX, XLS, ODS atau CSV.</source>
        <translation>{name} is a folder, not a file; choose an XLSX, XLS, ODS or CSV file.</translation>
    </message>
    <message>
        <source>Bakal pasangan calon dengan id {pair_id} tidak ada di basis data lokal.</source>
        <translation>No candidate pair with id {pair_id} in the local database.</translation>
    </message>
    <message>
        <source>Impor dibatalkan; basis data tidak berubah.</source>
        <translation>Import cancelled; the database is unchanged.</translation>
    </message>
    <message>
        <source>Nama pengguna atau kata sandi salah.</source>
        <translation>Wrong user name or password.</translation>
    </message>
    <message>
        <source>Server tidak dapat dihubungi dan kata sandi tidak cocok dengan login terakhir di komputer ini.</source>
        <translation>The server cannot be reached and the password does not match the last login on this computer.</translation>
    </message>
    <message>
        <source>Jenis data &apos;{field}&apos; tidak dikenal.</source>
        <translation>Unknown kind of record &apos;{field}&apos;.</translation>
    </message>
    <message>
        <source>Kolom &apos;{field}&apos; tidak dikenal.</source>
        <translation>Unknown field &apos;{field}&apos;.</translation>
    </message>
    <message>
        <source>Kolom &apos;{field}&apos; tidak boleh diubah dari aplikasi ini.</source>
        <translation>Field &apos;{field}&apos; cannot be changed from this application.</translation>
    </message>
    <message>
        <source>Isi kolom &apos;{field}&apos; tidak sesuai jenisnya.</source>
        <translation>The value of &apos;{field}&apos; has the wrong type.</translation>
    </message>
    <message>
        <source>Isi kolom &apos;{field}&apos; terlalu panjang.</source>
        <translation>The value of &apos;{field}&apos; is too long.</translation>
    </message>
    <message>
        <source>Isi kolom &apos;{field}&apos; mengandung karakter yang tidak diperbolehkan.</source>
        <translation>The value of &apos;{field}&apos; contains characters that are not allowed.</translation>
    </message>
    <message>
        <source>Tanggal pada kolom &apos;{field}&apos; tidak valid.</source>
        <translation>The date in &apos;{field}&apos; is not valid.</translation>
    </message>
    <message>
        <source>Isi kolom &apos;{field}&apos; tidak valid.</source>
        <translation>The value of &apos;{field}&apos; is not valid.</translation>
    </message>
    <message>
        <source>Kolom &apos;{field}&apos; wajib diisi.</source>
        <translation>&apos;{field}&apos; is required.</translation>
    </message>
    <message>
        <source>Data yang dimaksud ({field}) tidak ditemukan.</source>
        <translation>The record referred to ({field}) was not found.</translation>
    </message>
    <message>
        <source>Data yang dimaksud ({field}) sudah dihapus.</source>
        <translation>The record referred to ({field}) has been deleted.</translation>
    </message>
    <message>
        <source>Data dengan id ini ({field}) sudah ada.</source>
        <translation>A record with this id ({field}) already exists.</translation>
    </message>
    <message>
        <source>Data induk pada kolom &apos;{field}&apos; tidak ditemukan.</source>
        <translation>The parent record in &apos;{field}&apos; was not found.</translation>
    </message>
    <message>
        <source>Wilayah data tidak sama dengan wilayah data induknya.</source>
        <translation>The record&apos;s region differs from its parent record&apos;s region.</translation>
    </message>
    <message>
        <source>Angka pada kolom &apos;{field}&apos; di luar batas.</source>
        <translation>The number in &apos;{field}&apos; is out of range.</translation>
    </message>
    <message>
        <source> dan </source>
        <translation> and </translation>
    </message>
    <message>
        <source>Jenis data tidak dikenal: {detail}.</source>
        <translation>Unknown kind of record: {detail}.</translation>
    </message>
    <message>
        <source>Kolom ini tidak dikenal.</source>
        <translation>Unknown field.</translation>
    </message>
    <message>
        <source>Wajib diisi (tidak boleh kosong/null).</source>
        <translation>Required (must not be empty).</translation>
    </message>
    <message>
        <source>Jenis isian salah (seharusnya {detail}).</source>
        <translation>Wrong type (should be {detail}).</translation>
    </message>
    <message>
        <source>Terlalu panjang (paling banyak {detail} karakter).</source>
        <translation>Too long (at most {detail} characters).</translation>
    </message>
    <message>
        <source>Berisi karakter kendali atau tak terlihat yang tidak diizinkan ({detail}).</source>
        <translation>Contains control or invisible characters that are not allowed ({detail}).</translation>
    </message>
    <message>
        <source>Nilai tidak diizinkan (pilihan: {detail}).</source>
        <translation>Value not allowed (choices: {detail}).</translation>
    </message>
    <message>
        <source>Kode wilayah tidak sah (contoh bentuk: {detail}).</source>
        <translation>Invalid region code (example: {detail}).</translation>
    </message>
    <message>
        <source>Kode wilayah tidak sesuai dengan jenis pemilihan ({detail}).</source>
        <translation>The region code does not fit the kind of election ({detail}).</translation>
    </message>
    <message>
        <source>Kota dan kabupaten administrasi Jakarta tidak memilih wali kota atau bupati; di Jakarta hanya ada pemilihan gubernur (wilayah 31).</source>
        <translation>Jakarta's administrative cities and regency elect no mayor or regent; Jakarta holds only a governor election (region 31).</translation>
    </message>
    <message>
        <source>Tidak boleh sebelum {detail}: tahapan pemilihan berurutan.</source>
        <translation>Must not be before {detail}: the election's stages follow one another.</translation>
    </message>
    <message>
        <source>Wilayah pemilihan harus wilayah data ini ({detail}).</source>
        <translation>The election's region must be the region of this data ({detail}).</translation>
    </message>
    <message>
        <source>Tidak boleh negatif.</source>
        <translation>Must not be negative.</translation>
    </message>
    <message>
        <source>Angka terlalu besar (paling besar {detail}).</source>
        <translation>Number too large (at most {detail}).</translation>
    </message>
    <message>
        <source>Di luar rentang yang wajar ({detail}).</source>
        <translation>Outside the sensible range ({detail}).</translation>
    </message>
    <message>
        <source>Terlalu banyak isian (paling banyak {detail}).</source>
        <translation>Too many entries (at most {detail}).</translation>
    </message>
    <message>
        <source>Kode alasan tidak dikenal: {detail}.</source>
        <translation>Unknown reason code: {detail}.</translation>
    </message>
    <message>
        <source>NIK tidak sah: harus 16 angka dengan tanggal lahir yang benar.</source>
        <translation>Invalid NIK: it must be 16 digits with a valid birth date.</translation>
    </message>
    <message>
        <source>NIK hanya boleh berisi angka (dan spasi, titik atau tanda hubung).</source>
        <translation>A NIK may only contain digits (and spaces, dots or hyphens).</translation>
    </message>
    <message>
        <source>Pengenal (ID) tidak sah.</source>
        <translation>Invalid identifier (ID).</translation>
    </message>
    <message>
        <source>Hanya boleh berisi angka.</source>
        <translation>Digits only.</translation>
    </message>
    <message>
        <source>Sidik berkas (SHA-256) tidak sah: harus 64 karakter heksadesimal.</source>
        <translation>Invalid file fingerprint (SHA-256): it must be 64 hexadecimal characters.</translation>
    </message>
    <message>
        <source>Nama berkas tidak sah (tidak boleh memuat folder atau karakter / \ : * ? &quot; &lt; &gt; |).</source>
        <translation>Invalid file name (no folders and none of / \ : * ? &quot; &lt; &gt; |).</translation>
    </message>
    <message>
        <source>Isian tidak sah ({detail}).</source>
        <translation>Invalid value ({detail}).</translation>
    </message>
    <message>
        <source>Terlalu banyak percobaan masuk tanpa koneksi. Coba lagi dalam {minutes} menit.</source>
        <translation>Too many offline login attempts. Try again in {minutes} minutes.</translation>
    </message>
    <message>
        <source>Masa berlaku masuk tanpa koneksi di komputer ini sudah habis. Sambungkan ke server lalu masuk secara daring.</source>
        <translation>Offline login on this computer has expired. Connect to the server and log in online.</translation>
    </message>
    <message>
        <source>Server dapat dihubungi: masuklah secara daring (tombol Masuk).</source>
        <translation>The server can be reached: log in online (the Log in button).</translation>
    </message>
    <message>
        <source>Data di komputer ini dikunci karena akses dicabut oleh server. Data hanya dapat dibuka lagi setelah masuk secara daring dengan akun yang sah.</source>
        <translation>The data on this computer is locked because the server revoked access. It opens again only after a valid online login.</translation>
    </message>
    <message>
        <source>Data di komputer ini tidak dapat dibuka dengan akun {user}. Masuklah dengan akun yang biasa memakai komputer ini.</source>
        <translation>The data on this computer cannot be opened with the account {user}. Log in with the account that normally uses this computer.</translation>
    </message>
    <message>
        <source>Akun {user} adalah akun latihan, sedangkan folder data di komputer ini berisi data yang bukan data latihan (belum dienkripsi): data itu tidak dibuka dan tidak diubah. Masuklah dengan akun yang biasa memakai komputer ini; untuk berlatih pakai folder data baru (--data-dir) atau jalankan Silon Desktop dengan --training.</source>
        <translation>The account {user} is a practice account, while the data folder on this computer holds data that is not practice data (not yet encrypted): that data was neither opened nor changed. Log in with the account that normally uses this computer; to practise, use a new data folder (--data-dir) or run Silon Desktop with --training.</translation>
    </message>
    <message>
        <source>Akun {user} kini untuk wilayah {new}, sedangkan data di komputer ini milik wilayah {old}: data itu tidak lagi dibuka dengan akun ini dan komputer ini dikunci untuk akun ini. Rekan dari wilayah {old} tetap dapat masuk dengan akun mereka sendiri; untuk wilayah {new} gunakan folder data baru.</source>
        <translation>The account {user} now belongs to region {new}, while the data on this computer belongs to region {old}: that data no longer opens with this account, and this computer is locked for it. Colleagues of region {old} can still log in with their own accounts; for region {new} use a new data folder.</translation>
    </message>
    <message>
        <source>Berkas kunci data silon.key tidak ada di folder data {folder}, padahal basis data di sana terenkripsi: tanpa berkas itu data tidak dapat dibuka, dan tidak ada yang diubah. Kembalikan silon.key ke folder itu (dari salinan folder data), lalu masuk lagi; bila tidak ada salinannya, minta bantuan admin TI: perubahan yang sudah terkirim tetap ada di server.</source>
        <translation>The data key file silon.key is missing from the data folder {folder}, while the database there is encrypted: without that file the data cannot be opened, and nothing was changed. Put silon.key back into that folder (from a copy of the data folder), then log in again; with no copy, ask IT support for help: the changes already sent are kept on the server.</translation>
    </message>
    <message>
        <source>Data di komputer ini terenkripsi: isi kata sandi di variabel SILON_PASSWORD atau jalankan perintah di terminal agar kata sandi ditanyakan.</source>
        <translation>The data on this computer is encrypted: put the password in SILON_PASSWORD or run the command in a terminal to be asked for it.</translation>
    </message>
    <message>
        <source>Belum ada yang masuk di folder data {folder}, jadi belum ada basis data. Masuk dulu (silon-desktop login --user NAMA, atau jendela masuk aplikasi; masuk pertama memerlukan koneksi ke server): sejak itu data disimpan terenkripsi.</source>
        <translation>Nobody has logged in with the data folder {folder} yet, so there is no database. Log in first (silon-desktop login --user NAME, or the application&apos;s login window; the first login needs the server): from then on the data is stored encrypted.</translation>
    </message>
    <message>
        <source>Akses akun ini dicabut oleh server; data di komputer ini dikunci. Masuk lagi secara daring dengan akun yang sah.</source>
        <translation>This account&apos;s access was revoked by the server; the data on this computer is locked. Log in online again with a valid account.</translation>
    </message>
    <message>
        <source>Jendela dikunci karena lama tidak digunakan. Semua yang sudah diketik tersimpan; masuk lagi dengan kata sandi Anda untuk melanjutkan.</source>
        <translation>The window was locked because it was not used for a while. Everything typed is saved; log in again with your password to carry on.</translation>
    </message>
    <message>
        <source>Jendela dikunci karena lama tidak digunakan. Isian {fields} tidak tersimpan karena isinya belum benar; yang lain tersimpan. Masuk lagi dengan kata sandi Anda untuk melanjutkan.</source>
        <translation>The window was locked because it was not used for a while. {fields} was not saved because its value is not right yet; everything else is saved. Log in again with your password to carry on.</translation>
    </message>
    <message>
        <source>Gagal berkomunikasi dengan server.</source>
        <translation>Communication with the server failed.</translation>
    </message>
    <message>
        <source>Server tidak dapat dihubungi. Data tetap aman tersimpan di komputer ini.</source>
        <translation>The server cannot be reached. The data stays safely stored on this computer.</translation>
    </message>
    <message>
        <source>Sambungan aman ke server gagal: sertifikat server tidak dapat diverifikasi. Periksa tanggal dan jam komputer, dan berkas CA di pengaturan.</source>
        <translation>The secure connection to the server failed: the server&apos;s certificate cannot be verified. Check the computer&apos;s date and time, and the CA file in the settings.</translation>
    </message>
    <message>
        <source>Berkas CA {path} tidak ditemukan; periksa pengaturan.</source>
        <translation>CA file {path} not found; check the settings.</translation>
    </message>
    <message>
        <source>Silakan masuk lagi.</source>
        <translation>Please log in again.</translation>
    </message>
    <message>
        <source>Nama akun ini dipakai server untuk catatannya sendiri di log audit dan tidak dapat dipakai masuk. Minta administrator membuat akun dengan nama lain.</source>
        <translation>This account name is one the server uses for its own entries in the audit log and cannot be used to log in. Ask the administrator for an account with another name.</translation>
    </message>
    <message>
        <source>Akun ini tidak berhak melakukan tindakan tersebut.</source>
        <translation>This account may not do that.</translation>
    </message>
    <message>
        <source>Server menolak permintaan.</source>
        <translation>The server refused the request.</translation>
    </message>
    <message>
        <source>Server sedang menolak permintaan; coba lagi dalam {minutes} menit.</source>
        <translation>The server is refusing requests for now; try again in {minutes} minutes.</translation>
    </message>
    <message>
        <source>Jawaban server tidak dapat dibaca.</source>
        <translation>The server&apos;s answer cannot be read.</translation>
    </message>
    <message>
        <source>Server latihan sudah diatur ulang (reset): data latihan di laptop ini berasal dari sesi sebelumnya dan tidak cocok lagi. Mulai dari awal untuk menghapus data latihan di laptop ini dan mengambil data latihan yang baru.</source>
        <translation>The practice server was reset: the practice data on this laptop comes from an earlier session and no longer fits. Start over to delete the practice data on this laptop and fetch the new practice data.</translation>
    </message>
    <message>
        <source>Server ini server latihan, sedangkan data di komputer ini berasal dari server sungguhan: tidak ada yang dikirim ke server latihan atau diambil darinya. Periksa alamat server di Pengaturan; untuk berlatih jalankan Silon Desktop dengan --training.</source>
        <translation>This server is a practice server, but the data on this computer comes from a real server: nothing is sent to the practice server or fetched from it. Check the server address in the settings; to practise, start Silon Desktop with --training.</translation>
    </message>
    <message>
        <source>Server ini server latihan, sedangkan di komputer ini ada data yang diketik di sini dan belum pernah dikirim ke server mana pun: data itu bisa jadi data sungguhan, jadi tidak dikirim ke server latihan dan tidak dijadikan data latihan. Periksa alamat server di Pengaturan dan kirim data itu ke server sungguhan; untuk berlatih jalankan Silon Desktop dengan --training atau pakai folder data baru (--data-dir).</source>
        <translation>This is a training server, while this computer holds data typed here that was never sent to any server: it may be real data, so it is not sent to the training server and does not become practice data. Check the server address in Settings and send that data to the real server; to practise, start Silon Desktop with --training or use a new data folder (--data-dir).</translation>
    </message>
    <message>
        <source>Data di komputer ini adalah data latihan, sedangkan server ini server sungguhan: tidak ada yang dikirim atau diambil. Untuk berlatih jalankan Silon Desktop dengan --training; untuk bekerja pakai folder data sungguhan.</source>
        <translation>The data on this computer is practice data, but this server is a real server: nothing is sent or fetched. To practise, start Silon Desktop with --training; to work, use the real data folder.</translation>
    </message>
    <message>
        <source>LATIHAN: data latihan di laptop ini dibuat oleh akun latihan lain atau sebelum server latihan diatur ulang, dan tidak terbuka untuk {user}. Data latihan itu dihapus dan latihan dimulai dari awal; data latihan yang baru diambil dari server latihan.</source>
        <translation>PRACTICE (LATIHAN): the practice data on this laptop was made by another practice account or before the practice server was reset, and does not open for {user}. That practice data was deleted and the practice starts over; the new practice data is fetched from the practice server.</translation>
    </message>
    <message>
        <source>Data di laptop ini tidak dihapus: ada data yang diketik atau diubah di sini dan belum pernah diterima server mana pun, bisa jadi data sungguhan dari versi Silon Desktop sebelumnya. Kirim data itu ke server yang benar atau minta bantuan admin TI; untuk berlatih pakai folder data baru (--data-dir).</source>
        <translation>The data on this laptop was not deleted: it holds data typed or changed here that no server has ever accepted, possibly real data from an earlier version of Silon Desktop. Send that data to the right server or ask IT support for help; to practise, use a new data folder (--data-dir).</translation>
    </message>
    <message>
        <source>Berkas {name} bukan bundel sinkronisasi Silon.</source>
        <translation>The file {name} is not a Silon sync bundle.</translation>
    </message>
    <message>
        <source>Bundel {name} terpotong (berkas tidak lengkap). Salin ulang berkasnya.</source>
        <translation>The bundle {name} is cut short (the file is incomplete). Copy the file again.</translation>
    </message>
    <message>
        <source>Bundel {name} rusak dan tidak dapat dibuka.</source>
        <translation>The bundle {name} is damaged and cannot be opened.</translation>
    </message>
    <message>
        <source>Isi bundel {name} tidak dapat dibaca.</source>
        <translation>The content of the bundle {name} cannot be read.</translation>
    </message>
    <message>
        <source>Jenis bundel {name} tidak dikenal.</source>
        <translation>The bundle {name} is of an unknown kind.</translation>
    </message>
    <message>
        <source>Jenis bundel {name} salah untuk perintah ini.</source>
        <translation>The bundle {name} is the wrong kind for this command.</translation>
    </message>
    <message>
        <source>Bundel {name} tidak bertanda tangan; bundel ditolak.</source>
        <translation>The bundle {name} is not signed; bundle refused.</translation>
    </message>
    <message>
        <source>Bundel {name} ditandatangani oleh kunci yang tidak dikenal, bukan kunci server yang tercatat di komputer ini; bundel ditolak dan tidak ada yang diubah.</source>
        <translation>The bundle {name} is signed by an unknown key, not the server key recorded on this computer; bundle refused and nothing changed.</translation>
    </message>
    <message>
        <source>Tanda tangan bundel {name} tidak sah (isi telah diubah); bundel ditolak.</source>
        <translation>The signature of the bundle {name} is not valid (the content was changed); bundle refused.</translation>
    </message>
    <message>
        <source>Isi bundel {name} tidak sesuai format.</source>
        <translation>The content of the bundle {name} does not fit the format.</translation>
    </message>
    <message>
        <source>Ruang pada flashdisk atau disk tujuan penuh; bundel tidak ditulis.</source>
        <translation>The USB stick or target disk is full; the bundle was not written.</translation>
    </message>
    <message>
        <source>Bundel tidak dapat ditulis ke {path}: periksa flashdisk atau foldernya.</source>
        <translation>The bundle cannot be written to {path}: check the USB stick or its folder.</translation>
    </message>
    <message>
        <source>Berkas bundel {name} tidak dapat dibaca.</source>
        <translation>The bundle file {name} cannot be read.</translation>
    </message>
    <message>
        <source>Kunci server belum dikenal di komputer ini; masuk (login) ke server sekali atau sinkronkan secara daring terlebih dahulu.</source>
        <translation>The server&apos;s key is not known on this computer yet; log in to the server once or sync online first.</translation>
    </message>
    <message>
        <source>Bundel {name} ditolak: isinya setelah dibuka jauh lebih besar dari wajar (lebih dari {limit} byte dari {size} byte); berkas ini bukan bundel Silon yang sah.</source>
        <translation>Bundle {name} refused: opened, its contents are far larger than is reasonable (more than {limit} bytes from {size} bytes); this file is not a valid Silon bundle.</translation>
    </message>
    <message>
        <source>Berkas {name} terlalu besar untuk sebuah bundel ({size} byte); bundel ditolak.</source>
        <translation>The file {name} is too large for a bundle ({size} bytes); bundle refused.</translation>
    </message>
    <message>
        <source>Bundel {name} terenkripsi untuk server dan hanya dapat dibuka di sana; bawa bundel ini ke server (silon-server bundle import).</source>
        <translation>The bundle {name} is encrypted for the server and can only be opened there; take this bundle to the server (silon-server bundle import).</translation>
    </message>
    <message>
        <source>Bundel {name} terenkripsi tetapi rusak atau terpotong; minta bundel baru dari server.</source>
        <translation>The bundle {name} is encrypted but damaged or cut short; ask the server for a new bundle.</translation>
    </message>
    <message>
        <source>Bundel {name} terenkripsi untuk penerima lain dan tidak dapat dibuka di sini: bundel perubahan dari kantor dibuka di server (silon-server bundle import); bundel dari server hanya dapat dibuka di komputer dan akun yang disebut saat dibuat.</source>
        <translation>The bundle {name} is encrypted for another recipient and cannot be opened here: an office&apos;s change bundle is opened at the server (silon-server bundle import); a bundle from the server opens only on the computer and account named when it was made.</translation>
    </message>
    <message>
        <source>Kunci enkripsi server belum dikenal di komputer ini; masuk (login) atau sinkronkan sekali selagi terhubung ke server, lalu ekspor lagi.</source>
        <translation>The server&apos;s encryption key is not known on this computer yet; log in or sync once while connected to the server, then export again.</translation>
    </message>
    <message>
        <source>Bundel {name} ditandatangani oleh perangkat lain yang tidak dikenal komputer ini; perubahan orang lain tidak diantrekan atas nama Anda. Bawa bundel ini ke server (silon-server bundle import).</source>
        <translation>The bundle {name} is signed by another device this computer does not know; other people&apos;s changes are not queued in your name. Take this bundle to the server (silon-server bundle import).</translation>
    </message>
    <message>
        <source>Bundel {name} berisi perubahan pengguna {user}, bukan pengguna yang sedang masuk; bundel ditolak.</source>
        <translation>The bundle {name} holds the changes of user {user}, not of the user logged in; bundle refused.</translation>
    </message>
    <message>
        <source>Bundel {name} berisi data wilayah {scope}, bukan wilayah akun ini ({own}); bundel ditolak dan tidak ada yang diubah. Minta bundel untuk wilayah {own} dari server (silon-server bundle export --scope {own}).</source>
        <translation>The bundle {name} holds the data of region {scope}, not this account&apos;s region ({own}); bundle refused, nothing changed. Ask the server for a bundle of region {own} (silon-server bundle export --scope {own}).</translation>
    </message>
    <message>
        <source>Bundel {name} ditandatangani oleh kunci yang tidak dikenal: bundel itu dibuat oleh server lain, bukan server tempat komputer ini masuk (misalnya bundel dari server latihan Bimtek di komputer kantor, atau sebaliknya). Bundel ditolak dan tidak ada yang diubah; minta bundel dari server Anda.</source>
        <translation>The bundle {name} is signed by an unknown key: another server made it, not the server this computer logs in to (for instance a bundle of a Bimtek training server on an office computer, or the reverse). Bundle refused, nothing changed; ask your server for a bundle.</translation>
    </message>
    <message>
        <source>Berkas ini bukan snapshot Silon.</source>
        <translation>This file is not a Silon snapshot.</translation>
    </message>
    <message>
        <source>Snapshot tidak bertanda tangan; ditolak.</source>
        <translation>The snapshot is not signed; refused.</translation>
    </message>
    <message>
        <source>Snapshot ditandatangani oleh kunci yang bukan kunci server ini; ditolak.</source>
        <translation>The snapshot is signed by a key that is not this server&apos;s key; refused.</translation>
    </message>
    <message>
        <source>Tanda tangan snapshot tidak sah (isi telah diubah); ditolak.</source>
        <translation>The snapshot&apos;s signature is not valid (the content was changed); refused.</translation>
    </message>
    <message>
        <source>Isi snapshot tidak sesuai format.</source>
        <translation>The snapshot&apos;s content does not fit the format.</translation>
    </message>
    <message>
        <source>Bagian snapshot rusak atau telah diubah; ditolak.</source>
        <translation>A part of the snapshot is damaged or was changed; refused.</translation>
    </message>
    <message>
        <source>Berkas ini bukan snapshot Silon atau rusak.</source>
        <translation>This file is not a Silon snapshot, or it is damaged.</translation>
    </message>
    <message>
        <source>Snapshot terpotong (berkas tidak lengkap). Salin ulang berkasnya.</source>
        <translation>The snapshot is cut short (the file is incomplete). Copy the file again.</translation>
    </message>
    <message>
        <source>Snapshot berisi data tambahan; ditolak.</source>
        <translation>The snapshot holds extra data; refused.</translation>
    </message>
    <message>
        <source>Snapshot rusak atau terpotong. Salin ulang berkasnya.</source>
        <translation>The snapshot is damaged or cut short. Copy the file again.</translation>
    </message>
    <message>
        <source>Snapshot tidak lengkap; ditolak.</source>
        <translation>The snapshot is incomplete; refused.</translation>
    </message>
    <message>
        <source>Kunci server belum dikenal di komputer ini; masuk (login) ke server sekali, atau berikan kuncinya dengan --server-key.</source>
        <translation>The server&apos;s key is not known on this computer yet; log in to the server once, or give its key with --server-key.</translation>
    </message>
    <message>
        <source>Pilihan &apos;{choice}&apos; tidak dikenal (mine, theirs, edited).</source>
        <translation>Unknown choice &apos;{choice}&apos; (mine, theirs, edited).</translation>
    </message>
    <message>
        <source>Konflik {conflict_id} tidak ditemukan.</source>
        <translation>Conflict {conflict_id} not found.</translation>
    </message>
    <message>
        <source>Konflik {conflict_id} sudah diselesaikan.</source>
        <translation>Conflict {conflict_id} is already resolved.</translation>
    </message>
    <message>
        <source>Data {entity} {record_id} tidak ada di komputer ini.</source>
        <translation>Record {entity} {record_id} is not on this computer.</translation>
    </message>
    <message>
        <source>Data ini sudah dihapus; perubahan tidak dapat diterapkan.</source>
        <translation>This record has been deleted; the change cannot be applied.</translation>
    </message>
    <message>
        <source>Data ini sudah dihapus di server dan tidak dapat dipulihkan dari sini; pilih &apos;theirs&apos; atau masukkan data sebagai data baru.</source>
        <translation>This record was deleted on the server and cannot be restored from here; choose &apos;theirs&apos; or enter the data as a new record.</translation>
    </message>
    <message>
        <source>Verifikasi faktual hanya MS atau TMS: pilih alasan TMS atau tandai MS.</source>
        <translation>Field verification is only MS or TMS: choose a TMS reason or mark MS.</translation>
    </message>
    <message>
        <source>{count} pendukung masuk pada masa perbaikan: setelah verifikasi perbaikan tidak ada lagi BMS. Pilih MS atau TMS (Tidak memenuhi syarat).</source>
        <translation>{count} supporters came in during the correction period: after the correction&apos;s verification there is no more BMS. Choose MS or TMS (not eligible).</translation>
    </message>
    <message>
        <source>{count} pendukung belum MS pada verifikasi administrasi: verifikasi faktual hanya untuk pendukung yang MS pada verifikasi administrasi.</source>
        <translation>{count} supporters are not MS in the administrative verification: field verification is only for supporters found MS there.</translation>
    </message>
    <message>
        <source>{count} pendukung masuk pada penyerahan dukungan: verifikasi administrasinya sudah ditutup pada {end} (Akhir verifikasi administrasi), dan server menolak hasil verifikasi administrasi yang diberikan sesudahnya.</source>
        <translation>{count} supporters arrived in the submission: their administrative verification closed on {end} (End of administrative verification), and the server refuses administrative verdicts given after that.</translation>
    </message>    <message>
        <source>&apos;{field}&apos; tidak disimpan: pasangan calon yang Ditetapkan harus memenuhi syarat usia, sedangkan {role} berusia {age} tahun pada tanggal penetapan {date}, kurang dari syarat paling rendah {minimum} tahun.</source>
        <translation>&apos;{field}&apos; not saved: a Confirmed pair must meet the age requirement, but {role} is {age} years old on the penetapan date {date}, under the minimum of {minimum} years.</translation>
    </message>    <message>
        <source>Verifikasi faktual pemilihan ini sudah ditutup pada {end}: server menolak hasil verifikasi faktual yang diberikan sesudahnya.</source>
        <translation>This election's field verification closed on {end}: the server refuses field verdicts given after that.</translation>
    </message>
    <message>
        <source>Data ini di luar yang boleh diubah akun wilayah {region}: server menolak perubahannya, jadi tidak disimpan. Data pemilihan gubernur diubah KPU Provinsi; KPU kabupaten/kota mengubah pendukung yang tinggal di wilayahnya.</source>
        <translation>An account of region {region} may not change this record: the server refuses the change, so it was not saved. A governor election's records are changed by the KPU of the province; a KPU kabupaten/kota changes the supporters living in its area.</translation>
    </message>
    <message>
        <source>Akun Bawaslu hanya dapat melihat data: Bawaslu mengawasi dan tidak mengubah data pencalonan, jadi perubahan ini tidak disimpan (server juga menolaknya).</source>
        <translation>A Bawaslu account can only view the data: Bawaslu supervises and does not change nomination data, so this change was not saved (the server refuses it too).</translation>
    </message>
    <message>
        <source>'{field}' pemilihan ini sudah diisi dan ditetapkan oleh KPU Provinsi atau KPU RI: server menolak perubahannya dari akun kabupaten/kota, jadi tidak disimpan.</source>
        <translation>This election's '{field}' has been set by the KPU of the province or KPU RI: the server refuses a change of it from a kabupaten/kota account, so it was not saved.</translation>
    </message>
    <message>
        <source>'{field}' diisi oleh KPU di atas akun ini: pemilihan ini dibuat oleh KPU Provinsi atau KPU RI, yang mengisinya, jadi server menolak isian dari akun kabupaten/kota dan isian ini tidak disimpan.</source>
        <translation>'{field}' is filled by the KPU above this account: this election was made by the KPU of the province or KPU RI, which fills it, so the server refuses a value from a kabupaten/kota account and it was not saved.</translation>
    </message>
    <message>
        <source>Alasan penarikan tidak dikenal: {reason}.</source>
        <translation>Unknown withdrawal reason: {reason}.</translation>
    </message>
    <message>
        <source>Alasan &apos;Lainnya&apos;: tulis catatan penarikannya.</source>
        <translation>Reason &apos;Other&apos;: write a note for the withdrawal.</translation>
    </message>
    <message>
        <source>Pilih dua data pendukung yang berbeda untuk digabungkan.</source>
        <translation>Choose two different supporter rows to merge.</translation>
    </message>
    <message>
        <source>Salah satu data sudah ditarik atau tidak ada.</source>
        <translation>One of the rows has already been withdrawn or does not exist.</translation>
    </message>
    <message>
        <source>Kedua data bukan pendukung pasangan yang sama.</source>
        <translation>The two rows are not supporters of the same pair.</translation>
    </message>
    <message>
        <source>Kolom ini tidak dapat diambil: {fields}.</source>
        <translation>These fields cannot be taken over: {fields}.</translation>
    </message>
    <message>
        <source>Data pendukung tidak ditemukan.</source>
        <translation>The supporter&apos;s row was not found.</translation>
    </message>
    <message>
        <source>Dukungan ini tidak sedang ditarik.</source>
        <translation>This support is not withdrawn.</translation>
    </message>
    <message>
        <source>Pasangan calon pendukung ini sudah dihapus; dukungannya tidak dapat dipulihkan.</source>
        <translation>This supporter&apos;s pair has been deleted; the support cannot be restored.</translation>
    </message>
    <message>
        <source>Ekspor bundel dibatalkan; tidak ada yang ditulis.</source>
        <translation>Bundle export cancelled; nothing was written.</translation>
    </message>
    <message>
        <source>Berkas ini bukan bundel terenkripsi Silon.</source>
        <translation>This file is not an encrypted Silon bundle.</translation>
    </message>
    <message>
        <source>Bundel terenkripsi rusak.</source>
        <translation>The encrypted bundle is damaged.</translation>
    </message>
    <message>
        <source>Bundel ini dienkripsi untuk penerima lain dan tidak dapat dibuka di sini.</source>
        <translation>This bundle is encrypted for another recipient and cannot be opened here.</translation>
    </message>
    <message>
        <source>Bundel terenkripsi rusak, terpotong atau telah diubah; bundel ditolak.</source>
        <translation>The encrypted bundle is damaged, cut short or changed; bundle refused.</translation>
    </message>
    <message>
        <source>Server {server} memakai kunci tanda tangan yang berbeda dengan kunci yang tercatat di komputer ini sejak login pertama: bisa jadi ini bukan server Silon yang sebenarnya. Login ditolak dan tidak ada yang diubah. Jangan masuk dulu; hubungi admin Silon di KPU dan sebutkan pesan ini.</source>
        <translation>The server {server} uses a different signing key from the one recorded on this computer at its first login: it may not be the real Silon server. The login was refused and nothing was changed. Do not log in for now; contact the Silon administrator at KPU and quote this message.</translation>
    </message>
    <message>
        <source>Server {server} tidak menunjukkan kunci tanda tangannya, sehingga tidak dapat dipastikan bahwa ini server yang sama dengan saat login pertama di komputer ini. Login ditolak dan tidak ada yang diubah. Coba lagi sebentar lagi; bila tetap begini, hubungi admin Silon di KPU dan sebutkan pesan ini.</source>
        <translation>The server {server} did not show its signing key, so it cannot be confirmed to be the server this computer first logged in to. The login was refused and nothing was changed. Try again in a moment; if it stays so, contact the Silon administrator at KPU and quote this message.</translation>
    </message>
    <message>
        <source>Server {server} tidak dapat membuktikan bahwa ia memegang kunci tanda tangannya: jawabannya tidak ditandatangani dengan kunci itu. Bisa jadi ada pihak lain di antara komputer ini dan server Silon. Login ditolak dan tidak ada yang diubah. Jangan masuk dulu; hubungi admin Silon di KPU dan sebutkan pesan ini.</source>
        <translation>The server {server} could not prove that it holds its signing key: its answer is not signed with that key. Someone may stand between this computer and the Silon server. The login was refused and nothing was changed. Do not log in for now; contact the Silon administrator at KPU and quote this message.</translation>
    </message>
    <message>
        <source>Tempat penyimpanan kata sandi sistem (keyring) di komputer ini tidak dapat dibaca, mungkin karena masih terkunci. Buka kuncinya (atau keluar lalu masuk lagi ke akun komputer ini), lalu coba lagi. Kunci tanda tangan perangkat ini tidak diganti dan tidak ada yang diubah.</source>
        <translation>The system&apos;s password store (keyring) on this computer could not be read; it may still be locked. Unlock it (or log out of this computer&apos;s account and back in), then try again. This device&apos;s signing key was not replaced and nothing was changed.</translation>
    </message>
    <message>
        <source>Kunci tanda tangan perangkat ini disimpan di tempat penyimpanan kata sandi sistem (keyring), tetapi keyring itu tidak terjangkau dari sesi ini (misalnya lewat SSH atau tugas terjadwal) atau masih terkunci. Tidak ada kunci baru yang dibuat dan tidak ada yang diubah: jalankan program atau perintah ini dari sesi desktop akun komputer yang sama setelah keyring terbuka, lalu coba lagi. Bila keyring itu memang hilang (akun komputer dibuat ulang), hapus berkas device_key.pub di folder data {folder}, lalu masuk secara daring agar kunci baru didaftarkan ke server.</source>
        <translation>This device&apos;s signing key is kept in the system&apos;s password store (keyring), but that keyring cannot be reached from this session (for example over SSH or from a scheduled task) or is still locked. No new key was made and nothing was changed: run the program or this command from the desktop session of the same computer account once the keyring is open, then try again. If that keyring is really gone (the computer account was made anew), delete the file device_key.pub in the data folder {folder}, then log in online so that a new key is registered with the server.</translation>
    </message>
    <message>
        <source>Sinkronisasi dengan server {server} dihentikan: server tidak dapat membuktikan bahwa ia memegang kunci tanda tangannya, bisa jadi ada pihak lain di antara komputer ini dan server Silon. Tidak ada yang dikirim atau diambil; perubahan Anda tetap tersimpan di komputer ini. Hubungi admin Silon di KPU dan sebutkan pesan ini.</source>
        <translation>Sync with the server {server} was stopped: the server could not prove that it holds its signing key; someone may stand between this computer and the Silon server. Nothing was sent or taken; your changes stay saved on this computer. Contact the Silon administrator at KPU and quote this message.</translation>
    </message>
    <message>
        <source>Sinkronisasi dengan server {server} dihentikan: server memakai kunci tanda tangan yang berbeda dengan kunci yang tercatat di komputer ini sejak login pertama, bisa jadi ini bukan server Silon yang sebenarnya. Tidak ada yang dikirim atau diambil; perubahan Anda tetap tersimpan di komputer ini. Hubungi admin Silon di KPU dan sebutkan pesan ini.</source>
        <translation>Sync with the server {server} was stopped: the server uses a different signing key from the one recorded on this computer at its first login; it may not be the real Silon server. Nothing was sent or taken; your changes stay saved on this computer. Contact the Silon administrator at KPU and quote this message.</translation>
    </message>
    <message>
        <source>Server menolak masuk dengan kata sandi ini, tetapi penolakan itu tidak ditandatangani dengan kunci server Silon yang tercatat di komputer ini, jadi tidak dapat dipastikan berasal dari server; bisa jadi dari pihak lain di antara komputer ini dan server. Data di komputer ini tidak dikunci dan tidak ada yang diubah: kata sandi ini tetap membukanya. Coba masuk lagi dari jaringan yang tepercaya; bila kata sandi memang diganti atau akun dinonaktifkan, hubungi admin Silon di KPU.</source>
        <translation>The server refused the login with this password, but that refusal is not signed with the key of the Silon server recorded on this computer, so it cannot be confirmed that it came from the server; it may come from someone between this computer and the server. The data on this computer was not locked and nothing was changed: this password still opens it. Try logging in again from a trusted network; if the password was really changed or the account disabled, contact the Silon administrator at KPU.</translation>
    </message>
    <message>
        <source>Sinkronisasi dihentikan: ada jawaban bahwa akses akun ini dicabut, tetapi jawaban itu tidak ditandatangani dengan kunci server Silon yang tercatat di komputer ini, bisa jadi dari pihak lain di antara komputer ini dan server. Data di komputer ini tidak dikunci dan tetap dapat dibuka dengan kata sandi Anda. Masuk lagi secara daring, sebaiknya dari jaringan yang tepercaya; bila akses memang dicabut, hubungi admin Silon di KPU.</source>
        <translation>Sync was stopped: an answer said that this account&apos;s access was revoked, but that answer is not signed with the key of the Silon server recorded on this computer; it may come from someone between this computer and the server. The data on this computer was not locked and still opens with your password. Log in online again, preferably from a trusted network; if the access was really revoked, contact the Silon administrator at KPU.</translation>
    </message>
</context>
<context>
    <name>NavigationTree</name>
    <message>
        <source>(pemilihan baru)</source>
        <translation>(new election)</translation>
    </message>
    <message>
        <source>(pasangan baru)</source>
        <translation>(new pair)</translation>
    </message>
    <message>
        <source>Pemilihan dan pasangan calon</source>
        <translation>Elections and candidate pairs</translation>
    </message>
</context>
<context>
    <name>ReportActions</name>
    <message>
        <source>Berita acara tidak dibuat.</source>
        <translation>The minutes were not made.</translation>
    </message>
    <message>
        <source>Tetap buat berita acara? Peringatan ini ikut tercetak di dalamnya.</source>
        <translation>Make the minutes anyway? This warning is printed in them too.</translation>
    </message>
    <message>
        <source>Data pribadi</source>
        <translation>Personal data</translation>
    </message>
    <message>
        <source>Daftar B.1.1-KWK berisi data pribadi warga (NIK, nama, tanggal lahir, alamat). Simpan hanya di folder yang Anda pilih dan hanya Anda yang dapat membukanya (bukan folder bersama atau flashdisk orang lain), dan hapus berkasnya bila tidak diperlukan lagi (UU PDP 27/2022).</source>
        <translation>The B.1.1-KWK list holds citizens&apos; personal data (NIK, name, date of birth, address). Save it only in a folder you choose and only you can open (not a shared folder or someone else&apos;s USB stick), and delete the file when it is no longer needed (UU PDP 27/2022).</translation>
    </message>
    <message>
        <source>Simpan rekapitulasi</source>
        <translation>Save recap</translation>
    </message>
    <message>
        <source>Simpan berita acara</source>
        <translation>Save the minutes</translation>
    </message>
    <message>
        <source>Simpan daftar B.1.1-KWK</source>
        <translation>Save the B.1.1-KWK list</translation>
    </message>
    <message>
        <source>Simpan rekap B.2-KWK</source>
        <translation>Save the B.2-KWK recap</translation>
    </message>
    <message>
        <source>Mengekspor daftar B.1.1-KWK: %1 pendukung...</source>
        <translation>Exporting the B.1.1-KWK list: %1 supporters...</translation>
    </message>
    <message>
        <source>Menyusun laporan...</source>
        <translation>Preparing the report...</translation>
    </message>
    <message>
        <source>Rekapitulasi disimpan: %1</source>
        <translation>Recap saved: %1</translation>
    </message>
    <message>
        <source>Berita acara disimpan: %1</source>
        <translation>Minutes saved: %1</translation>
    </message>
    <message>
        <source>Daftar B.1.1-KWK disimpan: %1 (%2 pendukung)</source>
        <translation>B.1.1-KWK list saved: %1 (%2 supporters)</translation>
    </message>
    <message>
        <source>Rekap B.2-KWK disimpan: %1</source>
        <translation>B.2-KWK recap saved: %1</translation>
    </message>
    <message>
        <source>Laporan tidak tersimpan</source>
        <translation>Report not saved</translation>
    </message>
    <message>
        <source>Laporan %1 tidak dapat disimpan: %2</source>
        <translation>The report %1 could not be saved: %2</translation>
    </message>
    <message>
        <source>Berita acara</source>
        <translation>Official minutes</translation>
    </message>
    <message>
        <source>Tahap yang direkapitulasi:</source>
        <translation>Stage to recap:</translation>
    </message>
    <message>
        <source>Simpan hasil verifikasi untuk LO</source>
        <translation>Save the verification results for the LO</translation>
    </message>
    <message>
        <source>Hasil verifikasi untuk LO disimpan: %1 (%2 pendukung)</source>
        <translation>Verification results for the LO saved: %1 (%2 supporters)</translation>
    </message>
    <message>
        <source>Hasil verifikasi untuk LO berisi data pribadi warga (NIK dan nama pendukung yang BMS dan TMS, dengan desa/kelurahannya). Serahkan hanya kepada LO pasangan calon ini, simpan hanya di folder yang Anda pilih dan hanya Anda yang dapat membukanya (bukan folder bersama atau flashdisk orang lain), dan hapus berkasnya bila tidak diperlukan lagi (UU PDP 27/2022).</source>
        <translation>The verification results for the LO hold citizens&apos; personal data (NIK and name of the BMS and TMS supporters, with their village). Hand them only to this pair&apos;s LO, save them only in a folder you choose and only you can open (not a shared folder or someone else&apos;s USB stick), and delete the file when it is no longer needed (UU PDP 27/2022).</translation>
    </message>
</context>
<context>
    <name>PracticeMark</name>
    <message>
        <location filename="../../silon_desktop/ui/practice_mark.py" line="27"/>
        <source>LATIHAN: data di komputer ini adalah data latihan, bukan data sungguhan.</source>
        <translation>PRACTICE (LATIHAN): the data on this computer is practice data, not real data.</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/practice_mark.py" line="78"/>
        <source>Server latihan diatur ulang</source>
        <translation>Training server reset</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/practice_mark.py" line="79"/>
        <source>Server latihan sudah diatur ulang (reset): data latihan di laptop ini berasal dari sesi sebelumnya dan tidak cocok lagi.

Mulai dari awal? Data latihan di laptop ini dihapus, lalu data latihan yang baru diambil dari server.</source>
        <translation>The training server was reset: the practice data on this laptop comes from an earlier session and no longer matches.

Start over? The practice data on this laptop is deleted, then the new practice data is fetched from the server.</translation>
    </message>
</context>
<context>
    <name>IntegrityNotice</name>
    <message>
        <location filename="../../silon_desktop/ui/integrity_notice.py" line="500"/>
        <source>Arsip riwayat rusak</source>
        <translation>History archive damaged</translation>
    </message>
    <message>
        <location filename="../../silon_desktop/ui/integrity_notice.py" line="501"/>
        <source>Arsip perubahan yang sudah diterima server rusak. Berkas itu disisihkan apa adanya sebagai %1 (di folder data) dan arsip baru dibuat. Riwayat lama di berkas itu tidak dapat ditampilkan; data dan perubahan yang belum terkirim tidak terpengaruh, dan server tetap menyimpan riwayat lengkapnya. Simpan salinan berkas itu dan hubungi admin KPU.</source>
        <translation>The archive of changes the server accepted is damaged. The file was set aside as it is, as %1 (in the data folder), and a new archive started. The older history in that file cannot be shown; your data and the changes not yet sent are not affected, and the server keeps the full history. Keep a copy of that file and contact your KPU administrator.</translation>
    </message>
    <message>
        <source>Pulihkan dari &amp;cadangan...</source>
        <translation>Restore from &amp;backup...</translation>
    </message>
    <message>
        <source>Pemeriksaan integritas menemukan kerusakan pada basis data di komputer ini. Data yang tampil bisa tidak lengkap, dan laporan resmi (rekapitulasi, berita acara, B.1.1-KWK, B.2-KWK) tidak dibuat sampai basis data dipulihkan.

Pulihkan dari cadangan sekarang?</source>
        <translation>The integrity check found damage in the database on this computer. The data shown may be incomplete, and official reports (recap, minutes, B.1.1-KWK, B.2-KWK) are not made until the database is restored.

Restore from a backup now?</translation>
    </message>
    <message>
        <source>Basis data rusak</source>
        <translation>Database damaged</translation>
    </message>
    <message>
        <source>Perubahan terakhir hilang: sedikitnya %1 perubahan yang sudah disimpan tidak ada lagi di basis data (berkas -wal hilang atau rusak setelah program berhenti mendadak). Perubahan itu belum tentu sudah terkirim ke server.

Pulihkan dari cadangan sekarang?</source>
        <translation>Latest changes lost: at least %1 saved changes are no longer in the database (the -wal file was lost or damaged after the program stopped abruptly). Those changes may not have reached the server.

Restore from a backup now?</translation>
    </message>
    <message>
        <source>Perubahan terakhir hilang</source>
        <translation>Latest changes lost</translation>
    </message>
    <message>
        <source>⚠ Cadangan gagal</source>
        <translation>⚠ Backup failed</translation>
    </message>
    <message>
        <source>Cadangan gagal</source>
        <translation>Backup failed</translation>
    </message>
    <message>
        <source>Cadangan otomatis basis data gagal dibuat: %1

Data di komputer ini belum dicadangkan. Perbaiki penyebabnya (misalnya ruang disk), lalu buat cadangan dengan &apos;silon-desktop backup&apos;.</source>
        <translation>The automatic database backup failed: %1

The data on this computer is not backed up. Fix the cause (disk space, for example), then make a backup with &apos;silon-desktop backup&apos;.</translation>
    </message>
    <message>
        <source>Pulihkan dari cadangan...</source>
        <translation>Restore from backup...</translation>
    </message>
    <message>
        <source>Nanti</source>
        <translation>Later</translation>
    </message>
    <message>
        <source>Belum ada cadangan di komputer ini.</source>
        <translation>There is no backup on this computer yet.</translation>
    </message>
    <message>
        <source>Pulihkan dari cadangan</source>
        <translation>Restore from backup</translation>
    </message>
    <message>
        <source>Cadangan (terbaru di atas):</source>
        <translation>Backups (newest first):</translation>
    </message>
    <message>
        <source>Basis data diganti dengan cadangan %1. Basis data sekarang disimpan dulu sebagai cadangan. Perubahan sesudah cadangan itu dibuat tidak ada di dalamnya. Silon Desktop ditutup sesudahnya. Lanjutkan?</source>
        <translation>The database is replaced by the backup %1. The current database is first kept as a backup. Changes made after that backup are not in it. Silon Desktop closes afterwards. Continue?</translation>
    </message>
    <message>
        <source>Cadangan tidak dapat dipulihkan: %1</source>
        <translation>The backup cannot be restored: %1</translation>
    </message>
    <message>
        <source>Basis data sebelumnya disimpan sebagai %1.</source>
        <translation>The previous database was kept as %1.</translation>
    </message>
    <message>
        <source>Basis data dipulihkan dari %1. %2
Buka Silon Desktop lagi untuk melanjutkan.</source>
        <translation>The database was restored from %1. %2
Start Silon Desktop again to carry on.</translation>
    </message>
</context>
<context>
    <name>Charts</name>
    <message>
        <source>MS %1 dari syarat %2 (%3%)</source>
        <translation>MS %1 of the required %2 (%3%)</translation>
    </message>
    <message>
        <source>MS %1 (syarat belum dapat dihitung: isi jumlah DPT)</source>
        <translation>MS %1 (requirement unknown: enter the DPT)</translation>
    </message>
    <message>
        <source>garis hijau muda: perkiraan otomatis MS %1 (belum dihitung)</source>
        <translation>light green strip: automatic forecast MS %1 (not counted)</translation>
    </message>
    <message>
        <source>syarat %1</source>
        <translation>required %1</translation>
    </message>
    <message>
        <source>(tanpa wilayah)</source>
        <translation>(no area)</translation>
    </message>
    <message>
        <source>%1 MS</source>
        <translation>%1 MS</translation>
    </message>
    <message>
        <source>kecamatan</source>
        <translation>kecamatan</translation>
    </message>
    <message>
        <source>kabupaten/kota</source>
        <translation>kabupaten/kota</translation>
    </message>
    <message>
        <source>Sebaran: MS ada di %1 dari %2 %3 (syarat %4)</source>
        <translation>Spread: MS in %1 of %2 %3 (required %4)</translation>
    </message>
    <message>
        <source>Sebaran: MS ada di %1 %2</source>
        <translation>Spread: MS in %1 %2</translation>
    </message>
    <message>
        <source>MS</source>
        <translation>MS</translation>
    </message>
    <message>
        <source>BMS</source>
        <translation>BMS</translation>
    </message>
    <message>
        <source>TMS</source>
        <translation>TMS</translation>
    </message>
    <message>
        <source>Belum</source>
        <translation>Unchecked</translation>
    </message>
</context>
<context>
    <name>BundleActions</name>
    <message>
        <source>Ekspor perubahan</source>
        <translation>Export changes</translation>
    </message>
    <message>
        <source>Tidak ada perubahan yang menunggu dikirim.</source>
        <translation>No changes are waiting to be sent.</translation>
    </message>
    <message>
        <source>Ekspor %1 perubahan ke flashdisk</source>
        <translation>Export %1 changes to a USB stick</translation>
    </message>
    <message>
        <source>Bundel Silon (*.silon)</source>
        <translation>Silon bundle (*.silon)</translation>
    </message>
    <message>
        <source>Menulis bundel ke %1...</source>
        <translation>Writing the bundle to %1...</translation>
    </message>
    <message>
        <source>%1 perubahan diekspor ke %2.

Bawa berkas ini ke komputer yang tersambung atau ke petugas server. Perubahan tetap terhitung menunggu dikirim sampai bundel balasan dari server diimpor atau komputer ini tersinkron daring.</source>
        <translation>%1 changes exported to %2.

Take this file to a connected computer or to the server operator. The changes still count as waiting to be sent until the server&apos;s reply bundle is imported or this computer syncs online.</translation>
    </message>
    <message>
        <source>Bundel tersimpan</source>
        <translation>Bundle saved</translation>
    </message>
    <message>
        <source>Impor bundel dari server</source>
        <translation>Import a bundle from the server</translation>
    </message>
    <message>
        <source>Bundel Silon (*.silon *.gz);;Semua berkas (*)</source>
        <translation>Silon bundle (*.silon *.gz);;All files (*)</translation>
    </message>
    <message>
        <source>Memeriksa bundel %1...</source>
        <translation>Checking bundle %1...</translation>
    </message>
    <message>
        <source>Bundel dari server untuk wilayah %1</source>
        <translation>Bundle from the server for region %1</translation>
    </message>
    <message>
        <source>Bundel perubahan dari perangkat %1 (pengguna %2)</source>
        <translation>Bundle of changes from device %1 (user %2)</translation>
    </message>
    <message>
        <source>Berkas: %1</source>
        <translation>File: %1</translation>
    </message>
    <message>
        <source>Dibuat: %1</source>
        <translation>Made: %1</translation>
    </message>
    <message>
        <source>Isi: %1</source>
        <translation>Contents: %1</translation>
    </message>
    <message>
        <source>(belum dikenal di komputer ini)</source>
        <translation>(not yet known on this computer)</translation>
    </message>
    <message>
        <source>Pasangan calon: %1</source>
        <translation>Candidate pairs: %1</translation>
    </message>
    <message>
        <source>Jawaban server atas %1 perubahan dari komputer ini yang menunggu dikirim.</source>
        <translation>The server&apos;s answers to %1 of this computer&apos;s changes waiting to be sent.</translation>
    </message>
    <message>
        <source>pemilihan</source>
        <translation>elections</translation>
    </message>
    <message>
        <source>pasangan calon</source>
        <translation>candidate pairs</translation>
    </message>
    <message>
        <source>calon</source>
        <translation>candidates</translation>
    </message>
    <message>
        <source>dokumen</source>
        <translation>documents</translation>
    </message>
    <message>
        <source>partai pengusung</source>
        <translation>supporting parties</translation>
    </message>
    <message>
        <source>pendukung</source>
        <translation>supporters</translation>
    </message>
    <message>
        <source>Impor bundel?</source>
        <translation>Import the bundle?</translation>
    </message>
    <message>
        <source>Impor bundel ini sekarang?</source>
        <translation>Import this bundle now?</translation>
    </message>
    <message>
        <source>Impor</source>
        <translation>Import</translation>
    </message>
    <message>
        <source>Batal</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Mengimpor bundel %1...</source>
        <translation>Importing bundle %1...</translation>
    </message>
    <message>
        <source>%1 data dari server diterapkan; %2 perubahan Anda dinyatakan terkirim.</source>
        <translation>%1 records from the server applied; %2 of your changes confirmed as sent.</translation>
    </message>
    <message>
        <source>%1 perubahan diantrekan untuk dikirim (%2 sudah ada sebelumnya).</source>
        <translation>%1 changes queued to be sent (%2 were already there).</translation>
    </message>
    <message>
        <source>Bundel USB</source>
        <translation>USB bundle</translation>
    </message>
    <message>
        <source>Bundel tidak diproses</source>
        <translation>Bundle not processed</translation>
    </message>
    <message>
        <source>Bundel ini berisi data pribadi warga (NIK, nama, tanggal lahir, alamat) dari %1 perubahan. Isinya disegel untuk server (hanya server yang dapat membacanya), tetapi simpan hanya di flashdisk yang Anda pegang sendiri, serahkan hanya ke komputer yang tersambung atau ke petugas server, dan hapus berkasnya setelah sampai (UU PDP 27/2022).</source>
        <translation>This bundle holds citizens&apos; personal data (NIK, name, date of birth, address) from %1 changes. It is sealed for the server (only the server can read it), but keep it only on a USB stick you hold yourself, hand it only to a connected computer or to the server&apos;s staff, and delete the file once it has arrived (UU PDP 27/2022).</translation>
    </message>
    <message>
        <source>Data pribadi</source>
        <translation>Personal data</translation>
    </message>
</context>
<context>
    <name>RestoreDialog</name>
    <message>
        <source>(data pribadi sudah dihapus dari komputer ini; kembali saat sinkron)</source>
        <translation>(personal data already erased from this computer; back at the sync)</translation>
    </message>
    <message>
        <source>Alasan</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>Pulihkan dukungan yang ditarik</source>
        <translation>Restore withdrawn support</translation>
    </message>
    <message>
        <source>Dukungan yang ditarik karena keliru dapat dipulihkan: datanya dihitung kembali, pemulihan dicatat di riwayat dan dikirim ke server.</source>
        <translation>Support withdrawn by mistake can be restored: the supporter is counted again, and the restore is kept in the history and sent to the server.</translation>
    </message>
    <message>
        <source>NIK</source>
        <translation>NIK</translation>
    </message>
    <message>
        <source>Nama</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Oleh</source>
        <translation>By</translation>
    </message>
    <message>
        <source>Waktu</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>Tidak ada dukungan yang ditarik pada pasangan ini.</source>
        <translation>This pair has no withdrawn support.</translation>
    </message>
    <message>
        <source>Pulihkan</source>
        <translation>Restore</translation>
    </message>
    <message>
        <source>Pulihkan dukungan</source>
        <translation>Restore support</translation>
    </message>
    <message>
        <source>Pulihkan dukungan %1? Data ini dihitung kembali dan pemulihannya dikirim ke server pada sinkronisasi berikutnya.</source>
        <translation>Restore the support of %1? The supporter is counted again and the restore is sent to the server at the next sync.</translation>
    </message>
    <message>
        <source>Tidak dipulihkan</source>
        <translation>Not restored</translation>
    </message>
</context>
<context>
    <name>CapsLockWarning</name>
    <message>
        <source>Caps Lock menyala</source>
        <translation>Caps Lock is on</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <source>Ganti kata sandi</source>
        <translation>Change password</translation>
    </message>
    <message>
        <source>Paling sedikit %1 karakter. Perlu koneksi ke server. Setelah diganti, sesi lain akun ini (di komputer lain) berakhir dan kata sandi lama tidak lagi membuka data di komputer ini; komputer ini tetap masuk.</source>
        <translation>At least %1 characters. Needs a connection to the server. Once changed, this account's other sessions (on other computers) end and the old password no longer opens the data on this computer; this computer stays logged in.</translation>
    </message>
    <message>
        <source>Akun</source>
        <translation>Account</translation>
    </message>
    <message>
        <source>Kata sandi sekarang</source>
        <translation>Current password</translation>
    </message>
    <message>
        <source>Kata sandi baru</source>
        <translation>New password</translation>
    </message>
    <message>
        <source>Ulangi kata sandi baru</source>
        <translation>Repeat new password</translation>
    </message>
    <message>
        <source>Batal</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Menghubungi server...</source>
        <translation>Contacting the server...</translation>
    </message>
</context>
</TS>
