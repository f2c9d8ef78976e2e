"""An interactive explorer of the KPI store (ipywidgets): pick a partner (or the program), a metric, an
attribution view and a range of periods; the chart and the table redraw.

For JupyterLab. In a static export (HTML report) widgets do not run, so :meth:`Explorer.snapshot`
shows the current selection as an ordinary chart and table.
"""
from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from ..kpis.registry import REGISTRY
from ..store import KpiStore
from ..viz.kpis import trend_plot
from .display import table
from ..formatting import format_value

PROGRAM = "(the whole program)"


class Explorer:
    """Widgets over one build.

    Attributes
    ----------
    data : DataFrame
        The rows currently shown (the store's KPI rows for the selection): what a test or a cell reads.
    """

    def __init__(self, store: KpiStore, metric: str = "sourced_revenue", freq: str = "quarter"):
        self.store = store
        self.freq = freq
        names = store.partner_names()
        metrics = [m for m in REGISTRY if m not in store.unavailable]
        self.partner = widgets.Dropdown(description="Partner", options=[(PROGRAM, None)] + sorted(
            ((f"{name} ({pid})", pid) for pid, name in names.items()), key=lambda o: o[0]))
        self.metric = widgets.Dropdown(description="Metric", value=metric if metric in metrics else metrics[0],
                                       options=[(f"{REGISTRY[m].spec.label} ({m})", m) for m in metrics])
        self.attribution = widgets.Dropdown(description="View")
        periods = store.periods(freq)
        self.periods = widgets.SelectionRangeSlider(description="Periods", options=periods,
                                                    index=(max(0, len(periods) - 8), len(periods) - 1),
                                                    layout=widgets.Layout(width="32rem"))
        self.output = widgets.Output()
        self.data = pd.DataFrame()
        for control in (self.partner, self.metric):
            control.observe(self._views_changed, names="value")
        for control in (self.attribution, self.periods):
            control.observe(lambda change: self.redraw(), names="value")
        self._views_changed()

    @property
    def widget(self) -> widgets.Widget:
        """The controls above the chart and table."""
        return widgets.VBox([widgets.HBox([self.partner, self.metric]), widgets.HBox([self.attribution, self.periods]),
                             self.output])

    def select(self) -> pd.DataFrame:
        """The rows of the current selection."""
        return self.store.kpi(self.metric.value, self.partner.value, periods=tuple(self.periods.value),
                              attribution=self.attribution.value, freq=self.freq)

    def redraw(self) -> None:
        """Read the selection and draw it into the output area."""
        if self.attribution.value is None:
            return
        self.data = self.select()
        self.output.clear_output(wait=True)
        with self.output:
            self._draw()

    def snapshot(self) -> None:
        """Show the current selection as an ordinary output (for exports, where widgets do not run)."""
        self._draw()

    def _draw(self) -> None:
        spec = self.store.spec(self.metric.value)
        who = "the program" if self.partner.value is None else self.partner.label
        series = self.store.series(self.metric.value, self.partner.value, attribution=self.attribution.value,
                                   periods=tuple(self.periods.value), freq=self.freq)
        figure = trend_plot(pd.DataFrame({self.attribution.value: series}),
                            f"{spec.label}, {who} ({self.attribution.value})", spec.unit, self.store.currency)
        display(figure)
        plt.close(figure)
        shown = self.data[["period", "value", "numerator", "denominator", "n"]]
        display(table(shown, formats={"value": lambda v: format_value(v, spec.unit, self.store.currency)}))

    def _views_changed(self, change=None) -> None:
        spec = self.store.spec(self.metric.value)
        views = spec.partner_attributions if self.partner.value is not None else spec.attributions
        if self.partner.value is not None and not spec.partner_grain:
            views = ()
        keep = self.attribution.value if self.attribution.value in views else (views[0] if views else None)
        self.attribution.options = list(views)
        self.attribution.value = keep
        if not views:  # a program-wide metric for one partner
            self.data = pd.DataFrame()
            self.output.clear_output()
            with self.output:
                print(f"{spec.label} has program-wide values only: pick {PROGRAM}.")
            return
        self.redraw()
