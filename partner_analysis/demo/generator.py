"""A realistic synthetic partner program, every table of the contract, with planted effects.

The program: partners of every type and tier join over three years; a few bring most of the
revenue and many never bring a deal; deals follow seasonality and a funnel; won new deals
become customers with monthly revenue, expansion and churn; partners log in, train, get
certified and join campaigns. The effects in :data:`PLANTED_EFFECTS` are planted with known
values **within segment**, while the channel mix differs strongly by segment (partners sell
mostly to SMB, direct mostly to enterprise), so an unadjusted partner-vs-direct comparison is
biased and an adjusted one recovers the planted value. Everything is vectorised with numpy;
the same seed gives the same bytes.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..vocabulary import ATTRIBUTIONS, PARTNER_TYPES
from .effects import PLANTED_EFFECTS

SEGMENTS = ("smb", "mid_market", "enterprise")
REGIONS = ("NA", "EMEA", "APAC", "LATAM")
PRODUCTS = ("Core", "Analytics", "Integrations", "Platform")

_SEGMENT_MEDIAN_AMOUNT = np.array([8_000.0, 35_000.0, 150_000.0])
_SEGMENT_WIN_INTERCEPT = np.array([0.0, -0.4, -0.9])
_SEGMENT_CYCLE_DAYS = np.array([30.0, 75.0, 150.0])
_SEGMENT_MONTHLY_HAZARD = np.array([0.030, 0.015, 0.008])
_SEASONALITY = np.array([0.90, 1.00, 0.95, 1.25])  # calendar quarters: Q4 strongest
_ACTIVITY_RATES = {  # per quarter for an engagement level of 1
    "portal_login": 22.0, "content_download": 5.0, "training_started": 1.6, "certification_earned": 0.25,
    "campaign_joined": 0.9, "email_sent": 10.0, "event_attended": 0.5, "enablement_session": 0.7,
    "incentive_claimed": 0.3,
}
_EPOCH = np.datetime64("1970-01-01", "D")
_SCALES = {"small": {"deals_per_partner_quarter": 2.5, "activity_scale": 1.8},
           "large": {"partners": 5000, "deals_per_partner_quarter": 10.5, "activity_scale": 5.6}}


# -- small helpers ---------------------------------------------------------------------------

def _days(value: str) -> int:
    return int((np.datetime64(value, "D") - _EPOCH).astype(np.int64))


def _to_dates(days: np.ndarray) -> np.ndarray:
    """Integer days since 1970 -> datetime64[D]; NaN/negative sentinels -> NaT."""
    days = np.asarray(days, dtype="float64")
    out = np.full(len(days), np.datetime64("NaT"), dtype="datetime64[D]")
    ok = ~np.isnan(days)
    out[ok] = _EPOCH + np.floor(days[ok]).astype(np.int64)
    return out


def _to_datetimes(days: np.ndarray) -> np.ndarray:
    """Fractional days since 1970 -> datetime64[s] (minutes kept); NaN -> NaT."""
    days = np.asarray(days, dtype="float64")
    out = np.full(len(days), np.datetime64("NaT"), dtype="datetime64[s]")
    ok = ~np.isnan(days)
    out[ok] = np.datetime64("1970-01-01T00:00:00", "s") + (np.round(days[ok] * 1440) * 60).astype(np.int64)
    return out


def _ids(prefix: str, n: int, start: int = 1) -> np.ndarray:
    width = max(5, len(str(n + start)))
    return np.char.add(prefix, np.char.zfill(np.arange(start, start + n).astype(str), width)).astype(object)


def _repeat_index(counts: np.ndarray) -> np.ndarray:
    return np.repeat(np.arange(len(counts)), counts)


def _stream(seed: int, name: str) -> np.random.Generator:
    key = int.from_bytes(name.encode()[:8].ljust(8, b"\0"), "little")
    return np.random.default_rng([seed, key])


# -- partners --------------------------------------------------------------------------------

def _partners(n: int, seed: int, start: int, end: int) -> tuple[pd.DataFrame, dict]:
    rng = _stream(seed, "partners")
    kind = rng.choice(len(PARTNER_TYPES), n, p=[0.35, 0.25, 0.15, 0.15, 0.10])
    region = rng.choice(len(REGIONS), n, p=[0.40, 0.30, 0.20, 0.10])
    early = rng.random(n) < 0.25
    joined = np.where(early, rng.integers(start - 730, start, n), rng.integers(start, end - 30, n))
    onboard = joined + np.ceil(rng.gamma(2.0, 14.0, n))
    onboard = np.where((rng.random(n) < 0.08) | (onboard > end), np.nan, onboard)
    leaves = rng.random(n) < 0.10
    left = joined + rng.integers(200, 1100, n)
    left = np.where(leaves & (left <= end), left, np.nan)
    productive = rng.random(n) < PLANTED_EFFECTS["activation"]["productive_share"]
    weight = np.where(productive, rng.lognormal(0.0, 1.2, n), 0.0)
    first_deal = joined + rng.exponential(PLANTED_EFFECTS["activation"]["median_days_to_first_deal"] / np.log(2), n)
    engagement = rng.lognormal(0.0, 0.6, n) * (0.35 + 0.65 * productive)
    rank = pd.Series(weight).rank(pct=True, method="first").to_numpy()
    tier = np.select([rank > 0.95, rank > 0.80, rank > 0.50], ["platinum", "gold", "silver"], "registered")
    adjectives = np.array(["Blue", "North", "Bright", "Prime", "Summit", "Iron", "Clear", "Nova", "Urban", "Delta",
                           "Silver", "Open", "Swift", "Cedar", "Atlas", "Harbor"])
    nouns = np.array(["Systems", "Partners", "Consulting", "Digital", "Networks", "Solutions", "Labs", "Group",
                      "Works", "Cloud", "Data", "Integrations"])
    names = (adjectives[rng.integers(0, len(adjectives), n)].astype(object) + " "
             + nouns[rng.integers(0, len(nouns), n)].astype(object) + " " + np.arange(1, n + 1).astype(str).astype(object))
    frame = pd.DataFrame({
        "partner_id": _ids("P", n),
        "partner_name": names,
        "partner_type": np.array(PARTNER_TYPES)[kind],
        "joined_at": _to_dates(joined),
        "onboarded_at": _to_dates(onboard),
        "left_at": _to_dates(left),
        "tier": tier,
        "region": np.array(REGIONS)[region],
        "sales_reps": (1 + rng.poisson(2 + 4 * np.minimum(weight, 5))).astype(np.int64),
        "annual_revenue": np.round(rng.lognormal(np.log(4e6), 0.8, n) * (1 + weight), -3),
    })
    traits = {"joined": joined, "left": np.where(np.isnan(left), end + 1, left), "weight": weight,
              "first_deal": first_deal, "engagement": engagement, "technology": kind == 2}
    return frame, traits


# -- engagement and activities ------------------------------------------------------------------

def _partner_quarters(prog: dict, traits: dict) -> pd.DataFrame:
    """Active days of each partner in each quarter and the quarter's engagement multiplier."""
    n, nq = len(traits["joined"]), len(prog["q_start"])
    lo = np.maximum(prog["q_start"][None, :], traits["joined"][:, None])
    hi = np.minimum(prog["q_end"][None, :], traits["left"][:, None])
    days = np.clip(hi - lo, 0, None)
    rng = _stream(prog["seed"], "engagement")
    multiplier = rng.lognormal(0.0, 0.5, (n, nq + 1))  # column 0 is the quarter before the first
    return {"lo": lo, "days": days, "m": multiplier, "share": days / (prog["q_end"] - prog["q_start"])[None, :]}


def _activities(prog: dict, traits: dict, pq: dict, partner_ids: np.ndarray) -> pd.DataFrame:
    rng = _stream(prog["seed"], "activities")
    level = traits["engagement"][:, None] * pq["m"][:, 1:] * pq["share"] * prog["activity_scale"]
    pieces = []
    flat_level = level.ravel()
    lo, days = pq["lo"].ravel(), pq["days"].ravel()
    for activity, rate in _ACTIVITY_RATES.items():
        counts = rng.poisson(flat_level * rate)
        idx = _repeat_index(counts)
        pieces.append((activity, idx))
        if activity == "email_sent":
            opened = idx[rng.random(len(idx)) < 0.35]
            pieces.append(("email_open", opened))
            pieces.append(("email_click", opened[rng.random(len(opened)) < 0.25]))
    kinds = np.concatenate([np.full(len(i), k, dtype=object) for k, i in pieces])
    cell = np.concatenate([i for _, i in pieces])
    when = lo[cell] + rng.random(len(cell)) * days[cell]
    users = rng.integers(1, 6, len(cell))
    items = rng.integers(1, 120, len(cell))
    # 70% of trainings started are completed by the same user, on the same item, days later.
    started = np.flatnonzero((kinds == "training_started") & (rng.random(len(cell)) < 0.7))
    done_when = when[started] + rng.exponential(12.0, len(started))
    keep = done_when <= prog["end"]
    started, done_when = started[keep], done_when[keep]
    kinds = np.concatenate([kinds, np.full(len(started), "training_completed", dtype=object)])
    cell, when = np.concatenate([cell, cell[started]]), np.concatenate([when, done_when])
    users, items = np.concatenate([users, users[started]]), np.concatenate([items, items[started]])
    order = np.lexsort((when, cell))
    kinds, cell, when, users, items = kinds[order], cell[order], when[order], users[order], items[order]
    partner = cell // len(prog["q_start"])
    with_item = np.isin(kinds, ["content_download", "training_started", "training_completed",
                                "certification_earned", "campaign_joined", "event_attended"])
    item_ids = np.where(with_item, np.char.add("I", items.astype(str)).astype(object), None)
    return pd.DataFrame({
        "partner_id": partner_ids[partner],
        "occurred_at": _to_dates(when),
        "activity": pd.Categorical(kinds),
        "user_id": np.char.add(np.char.add(partner_ids[partner].astype(str), "-U"), users.astype(str)).astype(object),
        "item_id": item_ids,
    })


# -- deals -----------------------------------------------------------------------------------

def _deal_cells(prog: dict, traits: dict, pq: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Partner deals: (partner index, attribution code, created day) per deal."""
    rng = _stream(prog["seed"], "partner_deals")
    nq = len(prog["q_start"])
    # Activated only from the first-deal day on: share of the quarter after it.
    after_first = np.clip(prog["q_end"][None, :] - np.maximum(pq["lo"], traits["first_deal"][:, None]), 0, None)
    share = np.where(pq["days"] > 0, np.minimum(after_first, pq["days"]) / (prog["q_end"] - prog["q_start"])[None, :], 0)
    elasticity = PLANTED_EFFECTS["engagement_pipeline_elasticity"]["value"]
    base = traits["weight"][:, None] * prog["deals_per_partner_quarter"] * prog["q_season"][None, :]
    rate = base * share * pq["m"][:, :-1] ** elasticity
    out = []
    for code, factor in ((0, 1.0), (1, 0.45)):
        counts = rng.poisson((rate * factor).ravel())
        cell = _repeat_index(counts)
        p, q = np.divmod(cell, nq)
        start = np.maximum(prog["q_start"][q], np.maximum(traits["joined"][p], traits["first_deal"][p]))
        created = start + rng.random(len(cell)) * (np.minimum(prog["q_end"][q], traits["left"][p]) - start)
        out.append((p, np.full(len(cell), code), np.floor(created)))
    # The planted activation: every productive partner's first sourced deal on its first-deal day.
    first = traits["first_deal"]
    starts = (traits["weight"] > 0) & (first >= prog["q_start"][0]) & (first < np.minimum(traits["left"], prog["end"] + 1))
    p = np.flatnonzero(starts)
    out.append((p, np.zeros(len(p), dtype=np.int64), np.floor(first[p])))
    return tuple(np.concatenate(parts) for parts in zip(*out))


def _deals(prog: dict, traits: dict, pq: dict, partner_ids: np.ndarray) -> pd.DataFrame:
    partner, attribution, created = _deal_cells(prog, traits, pq)
    rng = _stream(prog["seed"], "deals")
    n_partner_deals = len(partner)
    direct_per_quarter = max(1, int(0.6 * n_partner_deals / len(prog["q_start"])))
    q_counts = rng.poisson(direct_per_quarter * prog["q_season"] / prog["q_season"].mean())
    q = _repeat_index(q_counts)
    direct_created = np.floor(prog["q_start"][q] + rng.random(len(q)) * (prog["q_end"][q] - prog["q_start"][q]))
    partner = np.concatenate([partner, np.full(len(q), -1)])
    attribution = np.concatenate([attribution, np.full(len(q), 2)])
    created = np.concatenate([created, direct_created])
    n = len(created)
    mix = PLANTED_EFFECTS["segment_mix"]
    segment = np.empty(n, dtype=np.int64)
    for code, name in enumerate(ATTRIBUTIONS):
        sel = attribution == code
        segment[sel] = rng.choice(3, sel.sum(), p=[mix[name][s] for s in SEGMENTS])
    size_ratio = np.array([PLANTED_EFFECTS["deal_size_ratio"]["sourced"], PLANTED_EFFECTS["deal_size_ratio"]["influenced"], 1.0])
    odds = np.array([PLANTED_EFFECTS["win_rate_odds_ratio"]["sourced"], PLANTED_EFFECTS["win_rate_odds_ratio"]["influenced"], 1.0])
    cycle_ratio = np.array([PLANTED_EFFECTS["sales_cycle_ratio"]["sourced"], PLANTED_EFFECTS["sales_cycle_ratio"]["influenced"], 1.0])
    amount = np.round(_SEGMENT_MEDIAN_AMOUNT[segment] * size_ratio[attribution] * rng.lognormal(0, 0.6, n), 2)
    won = rng.random(n) < 1 / (1 + np.exp(-(_SEGMENT_WIN_INTERCEPT[segment] + np.log(odds[attribution]))))
    cycle = np.where(won, _SEGMENT_CYCLE_DAYS[segment] * cycle_ratio[attribution], _SEGMENT_CYCLE_DAYS[segment]) \
        * rng.lognormal(0, 0.5, n)
    closed = created + np.maximum(1, np.round(cycle))
    is_open = closed > prog["end"]
    stage = np.where(is_open, "open", np.where(won, "won", "lost"))
    deal_type = rng.choice(3, n, p=[0.70, 0.20, 0.10])
    region = np.where(partner >= 0, traits["region"][np.maximum(partner, 0)], rng.choice(np.array(REGIONS), n))
    order = np.lexsort((attribution, created))
    frame = pd.DataFrame({
        "deal_id": _ids("D", n),
        "attribution": np.array(ATTRIBUTIONS)[attribution[order]],
        "partner_id": np.where(partner[order] >= 0, partner_ids[np.maximum(partner[order], 0)], None),
        "stage": stage[order],
        "created_at": _to_dates(created[order]),
        "closed_at": _to_dates(np.where(is_open, np.nan, closed)[order]),
        "amount": amount[order],
        "deal_type": np.array(("new", "expansion", "renewal"))[deal_type[order]],
        "segment": np.array(SEGMENTS)[segment[order]],
        "region": region[order],
        "product": np.array(PRODUCTS)[rng.choice(4, n, p=[0.4, 0.25, 0.2, 0.15])][order],
    })
    return _with_accounts(frame, rng)


def _with_accounts(deals: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """New deals open a new account; expansion and renewal deals go to an account won before them."""
    new = (deals["deal_type"] == "new").to_numpy()
    account = np.full(len(deals), None, dtype=object)
    account[new] = _ids("A", int(new.sum()))
    won_new = new & (deals["stage"] == "won").to_numpy()
    closed_days = (deals["closed_at"].to_numpy()[won_new] - _EPOCH).astype("timedelta64[D]").astype(np.int64)
    pool_order = np.argsort(closed_days, kind="stable")
    pool_days, pool_accounts = closed_days[pool_order], account[won_new][pool_order]
    later = ~new
    created_days = (deals["created_at"].to_numpy()[later] - _EPOCH).astype("timedelta64[D]").astype(np.int64)
    before = np.searchsorted(pool_days, created_days, side="left")
    pick = np.floor(rng.random(later.sum()) * before).astype(np.int64)
    chosen = np.where(before > 0, pool_accounts[np.minimum(pick, max(len(pool_accounts) - 1, 0))] if len(pool_accounts) else None, None)
    account[later] = chosen
    deal_type = deals["deal_type"].to_numpy().copy()
    orphan = later.copy()
    orphan[later] = before == 0
    deal_type[orphan] = "new"
    account[orphan] = _ids("A", int(orphan.sum()), start=int(new.sum()) + 1)
    return deals.assign(account_id=account, deal_type=deal_type)


def _deal_partners(deals: pd.DataFrame, partner_ids: np.ndarray, seed: int, end: int) -> pd.DataFrame:
    rng = _stream(seed, "deal_partners")
    partner_deals = deals[deals["partner_id"].notna()]
    base = pd.DataFrame({"deal_id": partner_deals["deal_id"], "partner_id": partner_deals["partner_id"],
                         "role": partner_deals["attribution"], "touched_at": partner_deals["created_at"]})
    extra = partner_deals[rng.random(len(partner_deals)) < 0.15]
    other = partner_ids[rng.integers(0, len(partner_ids), len(extra))]
    offset = rng.integers(1, 30, len(extra)).astype("timedelta64[D]")
    end_day = _to_dates(np.array([end]))[0]
    last_day = np.minimum(extra["closed_at"].fillna(pd.Timestamp(end_day)).to_numpy(), end_day)
    touched = np.minimum(extra["created_at"].to_numpy() + offset, last_day.astype("datetime64[D]"))
    extra_rows = pd.DataFrame({"deal_id": extra["deal_id"].to_numpy(), "partner_id": other, "role": "influenced",
                               "touched_at": touched})
    extra_rows = extra_rows[extra_rows["partner_id"].to_numpy() != extra["partner_id"].to_numpy()]
    return pd.concat([base, extra_rows], ignore_index=True).sort_values(["deal_id", "touched_at"], kind="stable")


def _sourced_firsts(deals: pd.DataFrame) -> pd.Series:
    """Each partner's first sourced deal (created_at), by partner_id."""
    sourced = deals[(deals["attribution"] == "sourced").to_numpy()]
    return sourced.groupby("partner_id")["created_at"].min()


def _registrations(deals: pd.DataFrame, partners: pd.DataFrame, seed: int, end: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = _stream(seed, "registrations")
    sourced = deals[(deals["attribution"] == "sourced").to_numpy() & (rng.random(len(deals)) < 0.45)]
    joined = sourced["partner_id"].map(partners.set_index("partner_id")["joined_at"])
    submitted = np.maximum(sourced["created_at"].to_numpy() - rng.integers(0, 10, len(sourced)).astype("timedelta64[D]"),
                           joined.to_numpy().astype("datetime64[D]"))
    linked = pd.DataFrame({"partner_id": sourced["partner_id"].to_numpy(), "submitted_at": submitted,
                           "status": "approved",
                           "decided_at": np.minimum(submitted + rng.integers(0, 5, len(sourced)).astype("timedelta64[D]"),
                                                    sourced["created_at"].to_numpy().astype("datetime64[D]")),
                           "deal_id": sourced["deal_id"].to_numpy()})
    n_other = int(len(sourced) * 0.35)
    who = rng.integers(0, len(partners), n_other)
    p_joined = (partners["joined_at"].to_numpy()[who] - _EPOCH).astype("timedelta64[D]").astype(np.int64)
    first = np.maximum(p_joined, _days("2023-01-01"))
    sub_days = first + rng.random(n_other) * np.clip(end - first, 1, None)
    status = rng.choice(np.array(["rejected", "expired", "pending"]), n_other, p=[0.5, 0.3, 0.2])
    gaps = rng.integers(1, 20, n_other)
    # Expired means approved, then lapsed, which counts as approved: such a registration comes from a
    # partner already bringing sourced deals, after its first one, so lapsed approvals leave the
    # planted activation curve as it is.
    first_sourced = _sourced_firsts(deals)
    expired = np.flatnonzero(status == "expired")
    if len(first_sourced) and len(expired):
        pick = rng.integers(0, len(first_sourced), len(expired))
        who[expired] = pd.Index(partners["partner_id"]).get_indexer(first_sourced.index[pick])
        since = (first_sourced.to_numpy()[pick].astype("datetime64[D]") - _EPOCH).astype(np.int64)
        sub_days[expired] = since + rng.random(len(expired)) * np.clip(end - since, 1, None)
    decided = np.where(status == "pending", np.nan, np.minimum(sub_days + gaps, end))
    unlinked = pd.DataFrame({"partner_id": partners["partner_id"].to_numpy()[who], "submitted_at": _to_dates(sub_days),
                             "status": status, "decided_at": _to_dates(decided), "deal_id": None})
    regs = pd.concat([linked, unlinked], ignore_index=True).sort_values("submitted_at", kind="stable").reset_index(drop=True)
    regs.insert(0, "registration_id", _ids("R", len(regs)))
    deals = deals.assign(registration_id=deals["deal_id"].map(regs.dropna(subset=["deal_id"]).set_index("deal_id")["registration_id"]))
    return regs, deals


def _leads(deals: pd.DataFrame, partner_ids: np.ndarray, traits: dict, seed: int, start: int, end: int) -> pd.DataFrame:
    rng = _stream(seed, "leads")
    sourced = deals[(deals["attribution"] == "sourced").to_numpy() & (rng.random(len(deals)) < 0.25)]
    created = sourced["created_at"].to_numpy() - rng.integers(1, 20, len(sourced)).astype("timedelta64[D]")
    converted = pd.DataFrame({"partner_id": sourced["partner_id"].to_numpy(), "direction": "referred",
                              "created_at": created, "qualified": True, "deal_id": sourced["deal_id"].to_numpy()})
    n_other = len(sourced) * 2
    who = rng.integers(0, len(partner_ids), n_other)
    lo = np.maximum(traits["joined"][who], start)
    hi = np.minimum(traits["left"][who], end)
    ok = hi > lo
    who, lo, hi = who[ok], lo[ok], hi[ok]
    other = pd.DataFrame({"partner_id": partner_ids[who],
                          "direction": rng.choice(np.array(["referred", "distributed"]), len(who), p=[0.45, 0.55]),
                          "created_at": _to_dates(lo + rng.random(len(who)) * (hi - lo)),
                          "qualified": rng.random(len(who)) < 0.35, "deal_id": None})
    leads = pd.concat([converted, other], ignore_index=True)
    created_days = (leads["created_at"].to_numpy() - _EPOCH).astype("timedelta64[D]").astype("float64")
    hours = np.where(leads["direction"] == "distributed", rng.lognormal(np.log(30), 0.8, len(leads)),
                     rng.lognormal(np.log(12), 0.7, len(leads)))
    response = created_days + 0.4 + hours / 24
    answered = (rng.random(len(leads)) < 0.9) & (response <= end)
    leads["created_at"] = _to_datetimes(created_days + 0.4)
    leads["first_response_at"] = _to_datetimes(np.where(answered, response, np.nan))
    leads = leads.sort_values("created_at", kind="stable").reset_index(drop=True)
    leads.insert(0, "lead_id", _ids("L", len(leads)))
    return leads[["lead_id", "partner_id", "direction", "created_at", "first_response_at", "qualified", "deal_id"]]


# -- customers, revenue, tickets, surveys, integrations -----------------------------------------

def _customers(deals: pd.DataFrame, seed: int, end: int) -> tuple[pd.DataFrame, dict]:
    rng = _stream(seed, "customers")
    won_new = deals[(deals["stage"] == "won").to_numpy() & (deals["deal_type"] == "new").to_numpy()]
    n = len(won_new)
    acquired = (won_new["closed_at"].to_numpy() - _EPOCH).astype("timedelta64[D]").astype(np.int64)
    partner_channel = won_new["attribution"].to_numpy() != "direct"
    segment = pd.Series(won_new["segment"]).map({s: i for i, s in enumerate(SEGMENTS)}).to_numpy()
    hazard = _SEGMENT_MONTHLY_HAZARD[segment] * np.where(partner_channel, PLANTED_EFFECTS["churn_hazard_ratio"]["partner"], 1.0)
    lifetime_days = rng.exponential(1 / hazard) * 30.4375
    churn = acquired + np.maximum(1, np.floor(lifetime_days))
    churned = churn <= end
    frame = pd.DataFrame({
        "account_id": won_new["account_id"].to_numpy(),
        "acquired_at": _to_dates(acquired),
        "channel": np.where(partner_channel, "partner", "direct"),
        "partner_id": np.where(partner_channel, won_new["partner_id"].to_numpy(), None),
        "churned_at": _to_dates(np.where(churned, churn, np.nan)),
        "segment": won_new["segment"].to_numpy(),
        "region": won_new["region"].to_numpy(),
    })
    returns = churned & (rng.random(n) < 0.05)
    back = churn + rng.integers(90, 200, n)
    life = {"acquired": acquired, "churn": np.where(churned, churn, np.nan), "mrr0": won_new["amount"].to_numpy() / 12,
            "returns": returns & (back <= end), "back": back, "partner_channel": partner_channel}
    return frame, life


def _month_index(days: np.ndarray) -> np.ndarray:
    months = _to_dates(days).astype("datetime64[M]")
    return months.astype(np.int64)


def _revenue(customers: pd.DataFrame, life: dict, seed: int, end: int) -> pd.DataFrame:
    """Month-end MRR: from the acquisition month until the month before churn; some come back."""
    rng = _stream(seed, "revenue")
    n = len(customers)
    end_m = _month_index(np.array([end]))[0]
    first = _month_index(life["acquired"])
    last = np.where(np.isnan(life["churn"]), end_m, _month_index(np.nan_to_num(life["churn"], nan=end)) - 1)
    growth = np.clip(rng.normal(0.01, 0.012, n), -0.01, None)
    spans = [(first, last, np.zeros(n))]
    back_first = _month_index(life["back"])
    spans.append((np.where(life["returns"], back_first, 1), np.where(life["returns"], end_m, 0), np.full(n, 0.0)))
    pieces = []
    for lo, hi, _ in spans:
        count = np.clip(hi - lo + 1, 0, None)
        idx = _repeat_index(count)
        offset = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
        month = lo[idx] + offset
        age = month - first[idx]
        pieces.append((idx, month, life["mrr0"][idx] * (1 + growth[idx]) ** age))
    idx = np.concatenate([p[0] for p in pieces])
    month = np.concatenate([p[1] for p in pieces])
    mrr = np.round(np.concatenate([p[2] for p in pieces]), 2)
    frame = pd.DataFrame({"account_id": customers["account_id"].to_numpy()[idx],
                          "month": month.astype("datetime64[M]").astype("datetime64[D]"), "mrr": mrr})
    return frame.sort_values(["account_id", "month"], kind="stable").reset_index(drop=True)


def _integration_events(customers: pd.DataFrame, life: dict, tech_ids: np.ndarray, tech_joined: np.ndarray,
                        seed: int, end: int) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    rng = _stream(seed, "integrations")
    n = len(customers)
    if len(tech_ids) == 0:
        return pd.DataFrame(columns=["account_id", "partner_id", "occurred_at", "event", "count"]), np.array([]), np.array([])
    takes = rng.random(n) < 0.30
    which = rng.integers(0, len(tech_ids), n)
    installed = life["acquired"] + rng.exponential(60, n)
    churn_or_end = np.where(np.isnan(life["churn"]), end, life["churn"])
    ok = takes & (installed < churn_or_end) & (installed >= tech_joined[which])
    acct, who, inst = customers["account_id"].to_numpy()[ok], tech_ids[which[ok]], installed[ok]
    stop = churn_or_end[ok]
    k = len(acct)
    authorized = inst + rng.exponential(1.0, k)
    first_use = authorized + rng.exponential(14, k)
    uses = (rng.random(k) < 0.85) & (first_use < stop)
    uninstall = inst + rng.exponential(400, k)
    uninstalled = uninstall < stop
    rows = [("installed", np.arange(k), inst, 1), ("authorized", np.flatnonzero(authorized < stop), authorized[authorized < stop], 1),
            ("used", np.flatnonzero(uses), first_use[uses], 1),
            ("uninstalled", np.flatnonzero(uninstalled), uninstall[uninstalled], 1)]
    active_end = np.where(uninstalled, uninstall, stop)
    months = np.where(uses, np.floor((active_end - first_use) / 30.4375), 0).astype(np.int64).clip(0)
    idx = _repeat_index(months)
    offset = np.arange(months.sum()) - np.repeat(np.cumsum(months) - months, months)
    when = first_use[idx] + 30.4375 * (offset + 1) - 1
    frames = [pd.DataFrame({"i": i, "occurred_at": t, "event": e, "count": c}) for e, i, t, c in rows]
    frames.append(pd.DataFrame({"i": idx, "occurred_at": when, "event": "run_succeeded", "count": rng.poisson(25, len(idx)) + 1}))
    failed = rng.poisson(1.2, len(idx))
    frames.append(pd.DataFrame({"i": idx[failed > 0], "occurred_at": when[failed > 0], "event": "run_failed",
                                "count": failed[failed > 0]}))
    events = pd.concat(frames, ignore_index=True)
    events = events[events["occurred_at"] <= end].sort_values(["occurred_at", "i"], kind="stable")
    out = pd.DataFrame({"account_id": acct[events["i"]], "partner_id": who[events["i"]],
                        "occurred_at": _to_dates(events["occurred_at"].to_numpy()), "event": events["event"].to_numpy(),
                        "count": events["count"].to_numpy().astype(np.int64)})
    return out.reset_index(drop=True), acct, who


def _tickets(customers: pd.DataFrame, life: dict, partner_ids: np.ndarray, traits: dict, integ_accounts: np.ndarray,
             integ_partners: np.ndarray, seed: int, start: int, end: int) -> pd.DataFrame:
    rng = _stream(seed, "tickets")
    stop = np.where(np.isnan(life["churn"]), end, life["churn"])
    months = np.clip((stop - life["acquired"]) / 30.4375, 0, None)
    count = rng.poisson(months * 0.12)
    idx = _repeat_index(count)
    opened = life["acquired"][idx] + rng.random(len(idx)) * (stop[idx] - life["acquired"][idx])
    partner_handled = life["partner_channel"][idx] & (rng.random(len(idx)) < 0.35)
    customer = pd.DataFrame({"category": "customer", "opened_at": opened,
                             "account_id": customers["account_id"].to_numpy()[idx],
                             "partner_id": np.where(partner_handled, customers["partner_id"].to_numpy()[idx], None),
                             "handled_by": np.where(partner_handled, "partner", "vendor"),
                             "hours": rng.lognormal(np.log(20), 0.9, len(idx))})
    nq = max(1, int((end - start) / 91))
    inquiries = rng.poisson(0.6 * nq * (traits["left"] - np.maximum(traits["joined"], start)).clip(0) / (end - start))
    pidx = _repeat_index(inquiries)
    lo = np.maximum(traits["joined"][pidx], start)
    inquiry = pd.DataFrame({"category": "partner_inquiry",
                            "opened_at": lo + rng.random(len(pidx)) * (np.minimum(traits["left"][pidx], end) - lo),
                            "account_id": None, "partner_id": partner_ids[pidx], "handled_by": "vendor",
                            "hours": rng.lognormal(np.log(30), 0.8, len(pidx))})
    it = rng.random(len(integ_accounts)) < 0.3
    acct_days = pd.Series(life["acquired"], index=customers["account_id"].to_numpy())
    it_lo = acct_days.reindex(integ_accounts[it]).to_numpy().astype("float64")
    integration = pd.DataFrame({"category": "integration", "opened_at": it_lo + rng.random(it.sum()) * (end - it_lo),
                                "account_id": integ_accounts[it], "partner_id": integ_partners[it],
                                "handled_by": rng.choice(np.array(["partner", "vendor"]), it.sum()),
                                "hours": rng.lognormal(np.log(16), 0.9, it.sum())})
    tickets = pd.concat([customer, inquiry, integration], ignore_index=True)
    tickets = tickets[tickets["opened_at"] <= end].sort_values("opened_at", kind="stable").reset_index(drop=True)
    resolved = tickets["opened_at"] + tickets["hours"] / 24
    tickets.insert(0, "ticket_id", _ids("T", len(tickets)))
    tickets["resolved_at"] = _to_datetimes(np.where(resolved <= end, resolved, np.nan))
    tickets["opened_at"] = _to_datetimes(tickets["opened_at"].to_numpy())
    return tickets[["ticket_id", "category", "opened_at", "resolved_at", "account_id", "partner_id", "handled_by"]]


def _surveys(customers: pd.DataFrame, life: dict, partners: pd.DataFrame, traits: dict, seed: int,
             start: int, end: int) -> pd.DataFrame:
    rng = _stream(seed, "surveys")
    responds = rng.random(len(customers)) < 0.35
    stop = np.where(np.isnan(life["churn"]), end, life["churn"])
    when = life["acquired"] + rng.random(len(customers)) * (stop - life["acquired"])
    bump = PLANTED_EFFECTS["customer_nps_difference"]["partner"]
    nps = np.clip(np.round(rng.normal(7.0 + bump * life["partner_channel"], 1.8)), 0, 10)
    csat = np.clip(np.round(rng.normal(3.9 + 0.2 * life["partner_channel"], 0.8)), 1, 5)
    cust = pd.DataFrame({"respondent": "customer", "submitted_at": when[responds],
                         "account_id": customers["account_id"].to_numpy()[responds], "partner_id": None,
                         "nps_score": nps[responds], "csat_score": csat[responds]})
    years = np.arange(start, end, 182)  # twice a year
    pidx = np.repeat(np.arange(len(partners)), len(years))
    when = np.tile(years, len(partners)) + rng.integers(0, 60, len(pidx))
    ok = (when >= traits["joined"][pidx]) & (when < traits["left"][pidx]) & (when <= end) & (rng.random(len(pidx)) < 0.6)
    prt = pd.DataFrame({"respondent": "partner", "submitted_at": when[ok], "account_id": None,
                        "partner_id": partners["partner_id"].to_numpy()[pidx[ok]],
                        "nps_score": np.clip(np.round(rng.normal(6.8 + 0.6 * (traits["weight"][pidx[ok]] > 1), 2.0)), 0, 10),
                        "csat_score": np.nan})
    surveys = pd.concat([cust, prt], ignore_index=True).sort_values("submitted_at", kind="stable").reset_index(drop=True)
    surveys["submitted_at"] = _to_dates(surveys["submitted_at"].to_numpy())
    surveys.insert(0, "response_id", _ids("S", len(surveys)))
    surveys["nps_score"] = surveys["nps_score"].astype("Int64")
    surveys["csat_score"] = surveys["csat_score"].astype("Int64")
    return surveys


def _costs(deals: pd.DataFrame, activities: pd.DataFrame, partners: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    won = deals[(deals["stage"] == "won").to_numpy() & deals["partner_id"].notna().to_numpy()]
    month = won["closed_at"].to_numpy().astype("datetime64[M]")
    rate = np.where(won["attribution"] == "sourced", 0.10, 0.03)
    commission = pd.DataFrame({"partner_id": won["partner_id"].to_numpy(), "month": month, "amount": won["amount"].to_numpy() * rate,
                               "category": np.where(won["attribution"] == "sourced", "commission", "rebate")})
    paid = activities[activities["activity"].isin(["incentive_claimed", "training_completed"])]
    per_unit = np.where(paid["activity"] == "incentive_claimed", 500.0, 150.0)
    activity_costs = pd.DataFrame({"partner_id": paid["partner_id"].to_numpy(),
                                   "month": paid["occurred_at"].to_numpy().astype("datetime64[M]"), "amount": per_unit,
                                   "category": np.where(paid["activity"] == "incentive_claimed", "incentive", "enablement")})
    months = np.arange(_to_dates(np.array([start])).astype("datetime64[M]")[0], _to_dates(np.array([end])).astype("datetime64[M]")[0] + 1)
    top = partners[partners["tier"].isin(["platinum", "gold"])]
    quarterly = months[(months.astype(np.int64) % 3) == 0]
    mdf = pd.DataFrame({"partner_id": np.repeat(top["partner_id"].to_numpy(), len(quarterly)),
                        "month": np.tile(quarterly, len(top)),
                        "amount": np.repeat(np.where(top["tier"] == "platinum", 15000.0, 6000.0), len(quarterly)),
                        "category": "mdf"})
    joined = np.repeat(top["joined_at"].to_numpy().astype("datetime64[M]"), len(quarterly))
    left = np.repeat(top["left_at"].to_numpy().astype("datetime64[M]"), len(quarterly))
    mdf = mdf[(mdf["month"].to_numpy() >= joined) & ~(mdf["month"].to_numpy() > left)]
    scale = max(1.0, len(partners) / 300)
    overhead = pd.DataFrame({"partner_id": None, "month": np.repeat(months, 2),
                             "amount": np.tile([40000.0 * scale, 6000.0 * scale], len(months)),
                             "category": np.tile(["partner_management", "other"], len(months))})
    costs = pd.concat([commission, activity_costs, mdf, overhead], ignore_index=True)
    costs = costs.groupby(["month", "category", "partner_id"], dropna=False, as_index=False, sort=True)["amount"].sum()
    return pd.DataFrame({"period_start": costs["month"].to_numpy().astype("datetime64[D]"), "category": costs["category"],
                         "amount": costs["amount"].round(2), "partner_id": costs["partner_id"]})


def _incidents(tech_ids: np.ndarray, tech_joined: np.ndarray, seed: int, start: int, end: int) -> pd.DataFrame:
    rng = _stream(seed, "incidents")
    lo = np.maximum(tech_joined, start)
    count = rng.poisson(4 * np.clip(end - lo, 0, None) / 365)
    idx = _repeat_index(count)
    begin = lo[idx] + rng.random(len(idx)) * (end - lo[idx])
    finish = np.minimum(begin + rng.lognormal(np.log(2.5), 1.0, len(idx)) / 24, end + 0.99)
    order = np.argsort(begin, kind="stable")
    return pd.DataFrame({"partner_id": tech_ids[idx][order], "started_at": _to_datetimes(begin[order]),
                         "ended_at": _to_datetimes(finish[order])})


def _agreements(partners: pd.DataFrame, traits: dict, end: int) -> pd.DataFrame:
    joined, left = traits["joined"], traits["left"]
    terms = np.ceil((np.minimum(left, end + 1) - joined) / 365).astype(np.int64).clip(1)
    idx = _repeat_index(terms)
    k = np.arange(terms.sum()) - np.repeat(np.cumsum(terms) - terms, terms)
    begin = joined[idx] + 365 * k
    finish = begin + 364
    last = k == terms[idx] - 1
    status = np.where(~last, "renewed", np.where(finish > end, "active", "lapsed"))
    status = np.where(last & (left[idx] <= end), "lapsed", status)
    finish = np.where(last & (left[idx] <= end), np.maximum(begin, np.minimum(finish, left[idx])), finish)
    return pd.DataFrame({"partner_id": partners["partner_id"].to_numpy()[idx], "start_at": _to_dates(begin),
                         "end_at": _to_dates(finish), "status": status})


# -- public API --------------------------------------------------------------------------------

def generate_demo_data(partners: int = 300, seed: int = 7, scale: str = "small", start: str = "2023-01-01",
                       end: str = "2025-12-31") -> dict[str, pd.DataFrame]:
    """Generate every table of the contract for a believable partner program.

    Parameters
    ----------
    partners : int
        Number of partners (``scale="small"``); ``scale="large"`` uses 5,000.
    seed : int
        Random seed; the same seed gives the same tables.
    scale : {"small", "large"}
        ``large`` makes about 1,000,000 deals and 10,000,000 activity rows for benchmarks.
    start, end : str
        ISO dates bounding the program's history.

    Returns
    -------
    dict of DataFrame
        Table name -> table, with the contract's column names.
    """
    if scale not in _SCALES:
        raise ValueError(f"scale must be one of {sorted(_SCALES)}, got {scale!r}")
    n = _SCALES[scale].get("partners", partners)
    first, last = _days(start), _days(end)
    partner_frame, traits = _partners(n, seed, first, last)
    traits["region"] = partner_frame["region"].to_numpy()
    ids = partner_frame["partner_id"].to_numpy()
    q_bounds = pd.date_range(start, periods=int(np.ceil((last - first) / 91.3)) + 1, freq="QS")
    q_days = ((q_bounds - pd.Timestamp("1970-01-01")).days).to_numpy()
    prog = {"seed": seed, "q_start": q_days[:-1], "q_end": np.minimum(q_days[1:], last + 1), "end": last,
            "q_season": _SEASONALITY[q_bounds[:-1].quarter - 1], **_SCALES[scale]}
    pq = _partner_quarters(prog, traits)
    activities = _activities(prog, traits, pq, ids)
    deals = _deals(prog, traits, pq, ids)
    registrations, deals = _registrations(deals, partner_frame, seed, last)
    customers, life = _customers(deals, seed, last)
    tech = traits["technology"]
    integration_events, integ_accounts, integ_partners = _integration_events(
        customers, life, ids[tech], traits["joined"][tech], seed, last)
    return {
        "partners": partner_frame,
        "deals": deals[["deal_id", "attribution", "partner_id", "stage", "created_at", "closed_at", "amount",
                        "account_id", "deal_type", "registration_id", "segment", "region", "product"]],
        "deal_partners": _deal_partners(deals, ids, seed, last),
        "deal_registrations": registrations,
        "leads": _leads(deals, ids, traits, seed, first, last),
        "customers": customers,
        "revenue": _revenue(customers, life, seed, last),
        "activities": activities,
        "tickets": _tickets(customers, life, ids, traits, integ_accounts, integ_partners, seed, first, last),
        "surveys": _surveys(customers, life, partner_frame, traits, seed, first, last),
        "costs": _costs(deals, activities, partner_frame, first, last),
        "integration_events": integration_events,
        "incidents": _incidents(ids[tech], traits["joined"][tech], seed, first, last),
        "agreements": _agreements(partner_frame, traits, last),
    }
