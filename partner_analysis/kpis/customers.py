"""Customer impact & retention KPIs."""
