"""Partnership health & economics KPIs."""
