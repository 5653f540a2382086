"""The household ledger (建档立卡人口明细台账, FORMAT.md): reading, validating, importing and exporting it."""
