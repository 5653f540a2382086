"""扶贫资金与项目 (DESIGN §3): see docs/adding-a-sector-app.md."""
