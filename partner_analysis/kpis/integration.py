"""Integration adoption KPIs (technology partners)."""
