"""Engagement & enablement KPIs."""
