"""住房安全与饮水 (DESIGN §3): see docs/adding-a-sector-app.md."""
