"""Engagement & enablement KPIs: activity, activation, enablement, leads, partner NPS, engagement score.

Activity counts are placed in the period of ``occurred_at``. "In the program during a period"
means joined before the period ended and not left before it began (``ctx.partner_periods()``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .context import KpiContext
from .conventions import PERIOD_END, TRAINING_MATCH, WINDOW_INCLUSIVE, is_approved
from .frame import count_rows, median_of, nps_rows, ratio_of, summarise, typed_rows
from .registry import metric

FAMILY = "engagement"
#: Activities that show a partner doing something (receiving an email or opening it does not).
ACTIVE_SIGNALS = ("portal_login", "content_download", "training_started", "training_completed",
                  "certification_earned", "campaign_joined", "email_click", "event_attended",
                  "enablement_session", "incentive_claimed")


def _activities(ctx: KpiContext, *kinds: str, extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """Dated activities of the given kinds: ``period``, ``partner_id``, ``activity`` and the
    ``extra`` columns asked for (copying fewer text columns of a large table is much faster)."""
    acts = ctx.dated("activities", "occurred_at")
    return acts.loc[acts["activity"].isin(kinds).to_numpy(), ["period", "partner_id", "activity", *extra]]


def _in_program_share(ctx: KpiContext, did: pd.DataFrame) -> pd.DataFrame:
    """Share of in-program partners per period that appear in ``did`` (partner_id, period)."""
    grid = ctx.partner_periods()
    hits = did[["period", "partner_id"]].drop_duplicates().assign(flag=1.0)
    frame = grid.merge(hits, on=["period", "partner_id"], how="left").fillna({"flag": 0.0})
    return summarise(ctx, frame, ratio_of("flag"), partner_grain=False)


# -- activity counts -------------------------------------------------------------------------

_COUNTS = {
    "portal_logins": ("portal_login", "Portal logins", "Number of partner portal logins in the period."),
    "content_downloads": ("content_download", "Content downloads", "Number of content downloads from the portal in the period."),
    "training_completions": ("training_completed", "Training completions", "Number of trainings completed in the period."),
    "certifications_earned": ("certification_earned", "Certifications earned", "Number of certifications earned in the period."),
    "event_attendance": ("event_attended", "Event attendance", "Number of event attendances by partner staff in the period."),
    "enablement_sessions": ("enablement_session", "Enablement sessions", "Number of enablement sessions held with partners in the period."),
}


def _register_count(metric_id: str, activity: str, label: str, sentence: str) -> None:
    @metric(id=metric_id, family=FAMILY, label=label,
            definition=f"{sentence} Counted by occurred_at; 0 for an in-program partner with none.",
            formula=f"count(activities | activity = {activity}, occurred_at in period)",
            unit="count", direction="higher", aggregation="sum", requires=("activities",), period_basis="occurred_at")
    def compute(ctx: KpiContext) -> pd.DataFrame:
        return summarise(ctx, _activities(ctx, activity), count_rows, zero_fill=True)


for _id, (_activity, _label, _sentence) in _COUNTS.items():
    _register_count(_id, _activity, _label, _sentence)


@metric(id="portal_active_users", family=FAMILY, label="Portal active users",
        definition="Number of distinct partner users (user_id) who logged in to the portal in the period; "
                   "logins without a user_id are not counted.",
        formula="count distinct(partner_id, user_id | activity = portal_login, occurred_at in period)",
        unit="count", direction="higher", aggregation="snapshot", requires=("activities",),
        columns=("activities.user_id",), period_basis="occurred_at")
def portal_active_users(ctx: KpiContext) -> pd.DataFrame:
    logins = _activities(ctx, "portal_login", extra=("user_id",)).dropna(subset=["user_id"])
    users = logins[["period", "partner_id", "user_id"]].drop_duplicates()
    return summarise(ctx, users, count_rows, zero_fill=True)


# -- rates of activity -------------------------------------------------------------------------

@metric(id="training_completion_rate", family=FAMILY, label="Training completion rate",
        definition="Share of trainings started in the period (by partner, user and item) that the same user "
                   "completed by the as-of date; starts are the cohort, so the rate lies in [0, 1].",
        formula="count(starts with a later completion of same partner, user, item) / count(training_started in period)",
        unit="ratio", direction="higher", aggregation="ratio", requires=("activities",),
        period_basis="occurred_at of training_started", boundaries=(TRAINING_MATCH,))
def training_completion_rate(ctx: KpiContext) -> pd.DataFrame:
    keys = ["partner_id", "user_id", "item_id"]
    blanks = {"user_id": "", "item_id": ""}
    starts = _activities(ctx, "training_started", extra=("user_id", "item_id", "occurred_at")).fillna(blanks)
    done = _activities(ctx, "training_completed", extra=("user_id", "item_id", "occurred_at")).fillna(blanks)
    last_done = done.groupby(keys, observed=True, as_index=False)["occurred_at"].max()
    merged = starts.merge(last_done.rename(columns={"occurred_at": "done_at"}), on=keys, how="left")
    completed = (merged["done_at"] >= merged["occurred_at"]).astype(float)
    return summarise(ctx, merged.assign(completed=completed), ratio_of("completed"))


@metric(id="certified_partner_share", family=FAMILY, label="Certified partner share",
        definition="Share of partners in the program during the period that had earned at least one "
                   "certification by the period's end (cumulative, not only in the period).",
        formula="count(in-program partners with a certification_earned on or before period end) / count(in-program partners)",
        unit="ratio", direction="higher", aggregation="ratio", requires=("activities", "partners"),
        partner_grain=False, period_basis="partners in the program during the period",
        boundaries=(PERIOD_END,))
def certified_partner_share(ctx: KpiContext) -> pd.DataFrame:
    # Cumulative: certifications earned before the first period of the grid count too.
    acts = ctx.table("activities")
    earned = acts[(acts["activity"] == "certification_earned").to_numpy()
                  & (acts["occurred_at"] < ctx.cutoff).to_numpy()]
    first = earned.groupby("partner_id", observed=True)["occurred_at"].min()
    grid = ctx.partner_periods()
    since = ctx.period_of(first.reindex(grid["partner_id"].to_numpy()))
    frame = grid.assign(flag=((since >= 0) & (since <= grid["period"].to_numpy())).astype(float))
    return summarise(ctx, frame, ratio_of("flag"), partner_grain=False)


def _participation(metric_id: str, activity: str, label: str, what: str) -> None:
    @metric(id=metric_id, family=FAMILY, label=label,
            definition=f"Share of partners in the program during the period that {what} at least once in the period.",
            formula=f"count(in-program partners with {activity} in period) / count(in-program partners)",
            unit="ratio", direction="higher", aggregation="ratio", requires=("activities", "partners"),
            partner_grain=False, period_basis="occurred_at")
    def compute(ctx: KpiContext) -> pd.DataFrame:
        return _in_program_share(ctx, _activities(ctx, activity))


_participation("campaign_participation_rate", "campaign_joined", "Campaign participation rate", "joined a campaign")
_participation("incentive_participation_rate", "incentive_claimed", "Incentive participation rate", "claimed an incentive")


def _email_rate(metric_id: str, event: str, label: str, what: str) -> None:
    @metric(id=metric_id, family=FAMILY, label=label,
            definition=f"{what} per email sent to partners, both counted in the period (an email opened or clicked "
                       "in a later period than it was sent counts there).",
            formula=f"count({event} in period) / count(email_sent in period)",
            unit="ratio", direction="higher", aggregation="ratio", requires=("activities",), period_basis="occurred_at")
    def compute(ctx: KpiContext) -> pd.DataFrame:
        mails = _activities(ctx, "email_sent", event)
        mails = mails.assign(hit=(mails["activity"] == event).to_numpy().astype(float),
                             sent=(mails["activity"] == "email_sent").to_numpy().astype(float))
        return summarise(ctx, mails, ratio_of("hit", "sent"))


_email_rate("email_open_rate", "email_open", "Email open rate", "Email opens")
_email_rate("email_click_rate", "email_click", "Email click rate", "Email clicks (click-through rate)")


# -- activity and activation -----------------------------------------------------------------

def _first_sourced_deal(ctx: KpiContext) -> pd.Series:
    deals = ctx.table("deals")
    sourced = deals[(deals["attribution"] == "sourced").to_numpy() & (deals["created_at"] < ctx.cutoff).to_numpy()]
    return sourced.groupby("partner_id", observed=True)["created_at"].min()


@metric(id="active_partners", family=FAMILY, label="Active partners",
        definition="Number of partners in the program during the period with at least one sign of work in it: "
                   "a deal created on which they are the partner, a deal registration submitted, a referred lead, "
                   "or an activity other than receiving or opening an email.",
        formula="count distinct(partner | deal created or registration or referred lead or active-signal activity in period)",
        unit="count", direction="higher", aggregation="snapshot", requires=("deals", "partners"),
        optional=("deal_registrations", "leads", "activities"), partner_grain=False,
        period_basis="the date of each action")
def active_partners(ctx: KpiContext) -> pd.DataFrame:
    actions = [ctx.dated("deals", "created_at")[["period", "partner_id"]]]
    if ctx.has("deal_registrations"):
        actions.append(ctx.dated("deal_registrations", "submitted_at")[["period", "partner_id"]])
    if ctx.has("leads"):
        leads = ctx.dated("leads", "created_at")
        actions.append(leads.loc[(leads["direction"] == "referred").to_numpy(), ["period", "partner_id"]])
    if ctx.has("activities"):
        actions.append(_activities(ctx, *ACTIVE_SIGNALS)[["period", "partner_id"]])
    # De-duplicated per source first: a handful of (period, partner) pairs instead of millions of rows.
    did = pd.concat([a.dropna().drop_duplicates() for a in actions], ignore_index=True).drop_duplicates()
    active = ctx.partner_periods().merge(did, on=["period", "partner_id"], how="inner")
    rows = summarise(ctx, active, count_rows, partner_grain=False, zero_fill=True)
    in_program = ctx.partner_periods().groupby("period").size()
    rows["n"] = rows["period"].map(in_program).fillna(0).astype("int64")
    return rows


def _per_partner(cohort: pd.DataFrame, dates: pd.Series) -> pd.Series:
    """``dates`` (indexed by partner_id) aligned to the cohort's partners; NaT where absent."""
    aligned = pd.to_datetime(dates, errors="coerce").reindex(cohort["partner_id"].to_numpy())
    return pd.Series(aligned.to_numpy(), index=cohort.index)


def _cohort_frame(ctx: KpiContext) -> pd.DataFrame:
    partners = ctx.table("partners")
    return pd.DataFrame({"partner_id": partners["partner_id"], "joined_at": partners["joined_at"],
                         "period": ctx.period_of(partners["joined_at"])})


def _note_unjudged(ctx: KpiContext, metric_id: str, cohort: pd.DataFrame, question: str) -> None:
    """Note the partners who joined before the first period of deal data: their cohorts cannot be
    judged (the engine reports no period that the deals do not cover)."""
    covered = ctx.covered_periods(["deals"])
    early = cohort["period"].to_numpy()
    early = early[(early >= 0) & (early < covered[0])] if len(covered) else early[:0]
    if len(early):
        ctx.note(metric_id, f"{len(early):,} partners joined before {ctx.labels(covered[:1])[0]}, the first period of "
                            f"deal data ({ctx.coverage['deals'].first.date()}): {question} cannot be judged, so "
                            f"their join cohorts ({ctx.span_labels(early)}) are not reported.")


@metric(id="activation_rate", family=FAMILY, label="Activation rate",
        definition="Share of the partners who joined in the period (join cohort) that reached a first sourced deal "
                   "(created_at) or an approved deal registration (submitted_at; approved or expired, i.e. approved, "
                   "then lapsed) within the activation window (config activation_window_days, default 180) after "
                   "joined_at; a cohort is reported only once "
                   "the window of its last possible joiner has elapsed by the as-of date (no partial cohorts), and "
                   "only from the first period of deal data on (cohorts that joined earlier cannot be judged and "
                   "are noted in build.json).",
        formula="count(activated within window | joined in period) / count(joined in period) | period end + window <= as_of",
        unit="ratio", direction="higher", aggregation="ratio", requires=("deals", "partners"),
        optional=("deal_registrations",), partner_grain=False, period_basis="joined_at (join cohort)",
        boundaries=(WINDOW_INCLUSIVE,))
def activation_rate(ctx: KpiContext) -> pd.DataFrame:
    window = pd.Timedelta(days=ctx.config.activation_window_days)
    cohort = _cohort_frame(ctx)
    _note_unjudged(ctx, "activation_rate", cohort, "whether they activated within the window")
    firsts = [_first_sourced_deal(ctx)]
    if ctx.has("deal_registrations"):
        regs = ctx.table("deal_registrations")
        approved = regs[is_approved(regs["status"]) & (regs["submitted_at"] < ctx.cutoff).to_numpy()]
        firsts.append(approved.groupby("partner_id", observed=True)["submitted_at"].min())
    first = pd.concat(firsts).groupby(level=0).min()
    reached = _per_partner(cohort, first)
    # A cohort is reported once its last possible joiner's window has elapsed: a partial cohort
    # (only its early joiners) would bias the rate.
    last_join = cohort["period"].map(ctx.period_ends()) - pd.Timedelta(days=1)
    matured = (last_join + window < ctx.cutoff).to_numpy()
    activated = (reached <= cohort["joined_at"] + window).fillna(False).to_numpy()
    frame = cohort[matured].assign(activated=activated[matured].astype(float))
    return summarise(ctx, frame, ratio_of("activated"), partner_grain=False)


@metric(id="time_to_first_deal_days", family=FAMILY, label="Time to first deal (days)",
        definition="Median days from joined_at to the partner's first sourced deal (created_at), over the partners "
                   "of the join cohort that have one; per partner, its own days, in its join period; cohorts that "
                   "joined before the first period of deal data cannot be judged (an earlier first deal would be "
                   "missed) and are noted in build.json.",
        formula="median(first sourced deal created_at - joined_at | joined in period, has a sourced deal)",
        unit="days", direction="lower", aggregation="median", requires=("deals", "partners"),
        period_basis="joined_at (join cohort)")
def time_to_first_deal_days(ctx: KpiContext) -> pd.DataFrame:
    cohort = _cohort_frame(ctx)
    _note_unjudged(ctx, "time_to_first_deal_days", cohort,
                   "whether their first sourced deal in the data is their first")
    first = _per_partner(cohort, _first_sourced_deal(ctx))
    days = (first - cohort["joined_at"]).dt.total_seconds() / 86400.0
    frame = cohort.assign(days=days.clip(lower=0)).dropna(subset=["days"])
    return summarise(ctx, frame, median_of("days"))


# -- leads ------------------------------------------------------------------------------------

def _leads(ctx: KpiContext, direction: str) -> pd.DataFrame:
    leads = ctx.dated("leads", "created_at")
    return leads[(leads["direction"] == direction).to_numpy()]


@metric(id="referred_leads", family=FAMILY, label="Referred leads",
        definition="Number of leads partners referred to us (direction referred) created in the period.",
        formula="count(leads | direction = referred, created_at in period)",
        unit="count", direction="higher", aggregation="sum", requires=("leads",), period_basis="created_at")
def referred_leads(ctx: KpiContext) -> pd.DataFrame:
    return summarise(ctx, _leads(ctx, "referred"), count_rows, zero_fill=True)


@metric(id="qualified_lead_rate", family=FAMILY, label="Qualified lead rate",
        definition="Share of referred leads created in the period that were qualified, among those whose "
                   "qualification is recorded (missing qualified is left out, not counted as no).",
        formula="count(qualified | referred, created in period) / count(qualified recorded | referred, created in period)",
        unit="ratio", direction="higher", aggregation="ratio", requires=("leads",), columns=("leads.qualified",),
        period_basis="created_at")
def qualified_lead_rate(ctx: KpiContext) -> pd.DataFrame:
    leads = _leads(ctx, "referred").dropna(subset=["qualified"])
    return summarise(ctx, leads.assign(hit=leads["qualified"].astype(float)), ratio_of("hit"))


@metric(id="lead_conversion_rate", family=FAMILY, label="Lead conversion rate",
        definition="Share of referred leads created in the period that became an opportunity (have a deal_id).",
        formula="count(deal_id present | referred, created in period) / count(referred, created in period)",
        unit="ratio", direction="higher", aggregation="ratio", requires=("leads",), columns=("leads.deal_id",),
        period_basis="created_at")
def lead_conversion_rate(ctx: KpiContext) -> pd.DataFrame:
    leads = _leads(ctx, "referred")
    return summarise(ctx, leads.assign(hit=leads["deal_id"].notna().astype(float)), ratio_of("hit"))


@metric(id="lead_follow_up_hours", family=FAMILY, label="Lead follow-up time (hours)",
        definition="Median hours from created_at to first_response_at of the leads we distributed to partners "
                   "(direction distributed) created in the period: how fast partners act on leads we give them; "
                   "leads without a response are left out (n counts the answered ones).",
        formula="median(first_response_at - created_at | distributed, created in period, answered)",
        unit="hours", direction="lower", aggregation="median", requires=("leads",),
        columns=("leads.first_response_at",), period_basis="created_at")
def lead_follow_up_hours(ctx: KpiContext) -> pd.DataFrame:
    leads = _leads(ctx, "distributed")
    hours = (leads["first_response_at"] - leads["created_at"]).dt.total_seconds() / 3600.0
    return summarise(ctx, leads.assign(hours=hours).dropna(subset=["hours"]), median_of("hours"))


# -- partner NPS and the engagement score -------------------------------------------------------

@metric(id="partner_nps", family=FAMILY, label="Partner NPS",
        definition="Net promoter score of partner survey responses submitted in the period: percent of promoters "
                   "(9-10) minus percent of detractors (0-6), from -100 to 100; numerator = promoters - detractors, "
                   "denominator = responses with a score.",
        formula="100 x (count(nps >= 9) - count(nps <= 6)) / count(nps present) | respondent = partner",
        unit="score", direction="higher", aggregation="score", requires=("surveys",), columns=("surveys.nps_score",),
        period_basis="submitted_at")
def partner_nps(ctx: KpiContext) -> pd.DataFrame:
    surveys = ctx.dated("surveys", "submitted_at")
    return nps_rows(ctx, surveys[(surveys["respondent"] == "partner").to_numpy()])


@metric(id="engagement_score", family=FAMILY, label="Engagement score",
        definition="0-100 composite of the period's activity per in-program partner: each configured component "
                   "activity scores min(1, count / saturation), saturation being the configured quarterly count "
                   "(a third of it for months), and the score is 100 x the weighted mean of the components; fixed "
                   "saturation points, not ranks, keep scores comparable across periods. A partner with no "
                   "activity scores 0; the program row is the mean over in-program partners.",
        formula="100 x sum_k w_k min(1, count_k / s_k) / sum_k w_k; program: sum(scores) / count(partners)",
        unit="score", direction="higher", aggregation="score", requires=("activities", "partners"),
        period_basis="occurred_at")
def engagement_score(ctx: KpiContext) -> pd.DataFrame:
    return ctx.cached("engagement_score", lambda: _engagement_score(ctx))


def engagement_scores(ctx: KpiContext) -> pd.DataFrame:
    """Per partner and period: ``partner_id``, ``period``, ``score`` (for other modules, e.g. tiers)."""
    rows = engagement_score(ctx)
    rows = rows[rows["partner_id"].notna()]
    return rows[["partner_id", "period"]].assign(score=rows["value"].to_numpy())


def _engagement_score(ctx: KpiContext) -> pd.DataFrame:
    components = ctx.config.engagement_components
    per_period = 1.0 if ctx.freq == "quarter" else 1.0 / 3.0
    acts = _activities(ctx, *components)
    counts = acts.groupby(["period", "partner_id", "activity"], observed=True).size().unstack("activity", fill_value=0)
    grid = ctx.partner_periods().set_index(["period", "partner_id"])
    counts = counts.reindex(grid.index, fill_value=0)
    total_weight = sum(c.weight for c in components.values())
    score = np.zeros(len(counts))
    for activity, component in components.items():
        column = counts[activity].to_numpy() if activity in counts.columns else np.zeros(len(counts))
        score += component.weight * np.minimum(1.0, column / (component.saturation * per_period))
    frame = counts.index.to_frame(index=False).assign(score=100.0 * score / total_weight)
    partner_rows = frame.assign(attribution="all", value=frame["score"], numerator=np.nan, denominator=np.nan, n=1)
    program = frame.groupby("period", as_index=False)["score"].agg(["sum", "count"])
    program_rows = pd.DataFrame({"period": program["period"], "partner_id": pd.NA, "attribution": "all",
                                 "value": program["sum"] / program["count"], "numerator": program["sum"],
                                 "denominator": program["count"].astype(float), "n": program["count"]})
    rows = pd.concat([program_rows, partner_rows.drop(columns="score")], ignore_index=True)
    return typed_rows(rows)
