"""KPU domain rules in plain Python: NIK, regions, rule sets, supporter validation."""
