"""KPU domain rules in plain Python: NIK, regions, rule sets, supporter validation.

Modules: ``codes`` (enums), ``nik`` (parse_nik), ``regions`` (RegionTable),
``rules`` (RuleSet, thresholds), ``supporters`` (validate_supporter,
DuplicateTracker, effective_status), ``records`` (validate_record),
``labels``/``messages`` (Indonesian words for headless use). No Qt, SQL or HTTP.
"""
