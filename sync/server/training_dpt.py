"""Voter-list (DPT) sizes and a neighbour for the kab/kota a Bimtek room practises on.

The region table the program ships (``resources/regions``) names places but counts no
voters, and the threshold of support an independent pair needs follows the DPT band of
its region (UU 10/2016 Pasal 41: 10 %, 8.5 %, 7.5 %, 6.5 %). A practice election with
a made-up DPT therefore teaches a threshold no operator of that region will meet. So
each practice region carries here:

- ``dpt``: an APPROXIMATION of its DPT of Pemilu 2024 (KPU's recapitulation of
  2 July 2023, the list Pilkada 2024 counted its thresholds from), rounded to the
  thousand, FOR PRACTICE ONLY: never a figure to verify a real election against (a
  real election's DPT and the KPU decree's threshold are entered by its operator).
  Three agree with a published figure: Kab. Purwakarta's is its published DPT
  (733,927: 55,045 supporters), Kab. Bogor's and Kota Depok's are what their published
  thresholds imply at 6.5 % (252,814 and 90,564 supporters: about 3,889,000 and
  1,393,000 voters). Province sums agree with KPU's 2023 totals to within about 1 %
  (Jawa Barat 35,714,901, Banten 8,842,646, DI Yogyakarta 2,870,974). A region close
  to a band's edge (Kota Sukabumi near 250,000; Kab. Majalengka, Kab. Lebak and Kota
  Tangerang Selatan near 1,000,000) may sit in the other band than its real list.
- the valid votes of its last DPRD election, derived from the DPT
  (:func:`practice_dprd_valid_votes`), which the party pair's coalition votes are
  shares of;
- ``neighbour``: a kab/kota of the same province that shares a border with it (for a
  kota, most often the kabupaten around it), where the "outside the region" lesson's
  supporter lives.

Only these regions are practised on, so a room has at most two trainees per region
here (:data:`MAX_DESKS`). The threshold itself is never computed here: the seed enters
the DPT and the domain (:func:`silon_desktop.domain.requirement.requirement`) computes.
"""

from __future__ import annotations

from typing import NamedTuple


class PracticeRegion(NamedTuple):
    """A practice kab/kota: its approximate DPT and a bordering kab/kota."""

    dpt: int
    neighbour: str


#: Kemendagri code -> (approximate DPT of Pemilu 2024, bordering kab/kota of the province),
#: in the order desks get them (Jawa Barat, then Banten, then DI Yogyakarta).
PRACTICE_REGIONS: dict[str, PracticeRegion] = {
    # Jawa Barat
    "32.01": PracticeRegion(3_889_000, "32.71"),  # Kab. Bogor / Kota Bogor
    "32.02": PracticeRegion(1_951_000, "32.72"),  # Kab. Sukabumi / Kota Sukabumi
    "32.03": PracticeRegion(1_752_000, "32.02"),  # Kab. Cianjur / Kab. Sukabumi
    "32.04": PracticeRegion(2_640_000, "32.73"),  # Kab. Bandung / Kota Bandung
    "32.05": PracticeRegion(1_962_000, "32.06"),  # Kab. Garut / Kab. Tasikmalaya
    "32.06": PracticeRegion(1_398_000, "32.78"),  # Kab. Tasikmalaya / Kota Tasikmalaya
    "32.07": PracticeRegion(981_000, "32.79"),  # Kab. Ciamis / Kota Banjar
    "32.08": PracticeRegion(879_000, "32.09"),  # Kab. Kuningan / Kab. Cirebon
    "32.09": PracticeRegion(1_703_000, "32.74"),  # Kab. Cirebon / Kota Cirebon
    "32.10": PracticeRegion(1_012_000, "32.11"),  # Kab. Majalengka / Kab. Sumedang
    "32.11": PracticeRegion(871_000, "32.04"),  # Kab. Sumedang / Kab. Bandung
    "32.12": PracticeRegion(1_421_000, "32.13"),  # Kab. Indramayu / Kab. Subang
    "32.13": PracticeRegion(1_251_000, "32.14"),  # Kab. Subang / Kab. Purwakarta
    "32.14": PracticeRegion(733_927, "32.15"),  # Kab. Purwakarta / Kab. Karawang
    "32.15": PracticeRegion(1_823_000, "32.16"),  # Kab. Karawang / Kab. Bekasi
    "32.16": PracticeRegion(2_470_000, "32.75"),  # Kab. Bekasi / Kota Bekasi
    "32.17": PracticeRegion(1_302_000, "32.77"),  # Kab. Bandung Barat / Kota Cimahi
    "32.18": PracticeRegion(331_000, "32.07"),  # Kab. Pangandaran / Kab. Ciamis
    "32.71": PracticeRegion(762_000, "32.01"),  # Kota Bogor / Kab. Bogor
    "32.72": PracticeRegion(246_000, "32.02"),  # Kota Sukabumi / Kab. Sukabumi
    "32.73": PracticeRegion(1_872_000, "32.04"),  # Kota Bandung / Kab. Bandung
    "32.74": PracticeRegion(241_000, "32.09"),  # Kota Cirebon / Kab. Cirebon
    "32.75": PracticeRegion(1_811_000, "32.16"),  # Kota Bekasi / Kab. Bekasi
    "32.76": PracticeRegion(1_393_000, "32.01"),  # Kota Depok / Kab. Bogor
    "32.77": PracticeRegion(441_000, "32.17"),  # Kota Cimahi / Kab. Bandung Barat
    "32.78": PracticeRegion(532_000, "32.06"),  # Kota Tasikmalaya / Kab. Tasikmalaya
    "32.79": PracticeRegion(152_000, "32.07"),  # Kota Banjar / Kab. Ciamis
    # Banten
    "36.01": PracticeRegion(976_000, "36.02"),  # Kab. Pandeglang / Kab. Lebak
    "36.02": PracticeRegion(1_011_000, "36.01"),  # Kab. Lebak / Kab. Pandeglang
    "36.03": PracticeRegion(2_431_000, "36.71"),  # Kab. Tangerang / Kota Tangerang
    "36.04": PracticeRegion(1_182_000, "36.73"),  # Kab. Serang / Kota Serang
    "36.71": PracticeRegion(1_331_000, "36.03"),  # Kota Tangerang / Kab. Tangerang
    "36.72": PracticeRegion(322_000, "36.04"),  # Kota Cilegon / Kab. Serang
    "36.73": PracticeRegion(482_000, "36.04"),  # Kota Serang / Kab. Serang
    "36.74": PracticeRegion(1_027_000, "36.03"),  # Kota Tangerang Selatan / Kab. Tangerang
    # DI Yogyakarta
    "34.01": PracticeRegion(357_000, "34.04"),  # Kab. Kulon Progo / Kab. Sleman
    "34.02": PracticeRegion(756_000, "34.71"),  # Kab. Bantul / Kota Yogyakarta
    "34.03": PracticeRegion(621_000, "34.02"),  # Kab. Gunungkidul / Kab. Bantul
    "34.04": PracticeRegion(817_000, "34.71"),  # Kab. Sleman / Kota Yogyakarta
    "34.71": PracticeRegion(316_000, "34.04"),  # Kota Yogyakarta / Kab. Sleman
}

#: Valid votes of a region's last DPRD election per voter on its DPT, derived for practice:
#: about 82 % of the DPT voted in Pemilu 2024 and about a tenth of the DPRD ballots
#: were invalid, so about three quarters (75 %) of the DPT.
DPRD_VALID_PERCENT = 75

#: The most desks a room can have: one practice region each.
MAX_DESKS = len(PRACTICE_REGIONS)


def practice_dpt(region: str) -> int:
    """The approximate DPT of a practice region.

    Raises:
        KeyError: not a region the Bimtek room practises on.
    """
    return PRACTICE_REGIONS[region].dpt


def practice_dprd_valid_votes(region: str) -> int:
    """The valid votes of a practice region's last DPRD election, derived from its
    DPT (:data:`DPRD_VALID_PERCENT`), down to the hundred: the total a party coalition's
    requirement is a share of (after MK 60/2024, the DPT tier's share)."""
    return practice_dpt(region) * DPRD_VALID_PERCENT // 100 // 100 * 100


def neighbour(region: str) -> str:
    """A kab/kota bordering a practice region, in the same province."""
    return PRACTICE_REGIONS[region].neighbour
