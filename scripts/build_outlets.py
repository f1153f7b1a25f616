"""Build the bundled outlet table (src/spinscope/resources/outlets.sqlite) and name list (outlet_names.json).

Reproducible: python scripts/build_outlets.py --data ../shared/data   (or SPINSCOPE_DATA=...)

Inputs (../shared/data/media_reliability, see its SOURCE.txt): Baly et al. 2018/2020 MBFC labels,
Burdisso et al. 2024 MBFC scrape, golden truth (for the manual unreliable list) and Wikipedia perennial
sources. Not used: reliability_scores.json (model predictions, not ratings) and any NewsGuard data
(golden-truth rows with label_source "newsguard" are skipped). Per domain the table keeps every rating
with its source: factuality, bias, Wikipedia reliability status, MBFC credibility, labels (satire,
conspiracy-pseudoscience, pro-science, blacklisted-on-wikipedia). The input sha256 sums and this command
are written into the table's meta table.

The curated part (outlet names as news text writes them, and the satire list) is below.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import re
import sqlite3
from pathlib import Path
from urllib.parse import unquote

from spinscope.outlets import _normalise

CURATED_DATE = "2026-11-24"

# (domain, canonical name, aliases)
OUTLETS: list[tuple[str, str, list[str]]] = [
    # wire services and agencies
    ("reuters.com", "Reuters", ["Thomson Reuters", "REUTERS"]),
    ("apnews.com", "Associated Press", ["The Associated Press", "AP", "ASSOCIATED PRESS"]),
    ("afp.com", "Agence France-Presse", ["AFP", "Agence France Presse", "France-Presse"]),
    ("upi.com", "United Press International", ["UPI"]),
    ("bloomberg.com", "Bloomberg", ["Bloomberg News", "Bloomberg L.P."]),
    ("tass.com", "TASS", ["Tass", "ITAR-TASS"]),
    ("sputniknews.com", "Sputnik", ["Sputnik News", "Sputnik International"]),
    ("rt.com", "RT", ["Russia Today", "RT News", "RT America"]),
    ("xinhuanet.com", "Xinhua", ["Xinhua News Agency"]),
    ("aa.com.tr", "Anadolu Agency", ["Anadolu"]),
    ("kyodonews.net", "Kyodo News", ["Kyodo"]),
    ("dpa.com", "Deutsche Presse-Agentur", ["dpa"]),
    ("efe.com", "EFE", ["Agencia EFE"]),
    ("ansa.it", "ANSA", []),
    ("presstv.ir", "Press TV", ["PressTV"]),
    ("globaltimes.cn", "Global Times", ["The Global Times"]),
    ("chinadaily.com.cn", "China Daily", []),
    ("cgtn.com", "CGTN", ["China Global Television Network"]),
    ("aljazeera.com", "Al Jazeera", ["Al-Jazeera", "Aljazeera", "Al Jazeera English"]),
    ("trtworld.com", "TRT World", []),
    ("france24.com", "France 24", ["France24"]),
    ("dw.com", "Deutsche Welle", ["DW"]),
    ("euronews.com", "Euronews", []),
    ("voanews.com", "Voice of America", ["VOA"]),
    ("rferl.org", "Radio Free Europe/Radio Liberty", ["Radio Free Europe", "RFE/RL"]),
    ("rfa.org", "Radio Free Asia", ["RFA"]),
    ("telesurenglish.net", "teleSUR", ["TeleSUR", "Telesur"]),
    # US broadcast and cable
    ("cnn.com", "CNN", ["Cable News Network", "CNN International"]),
    ("foxnews.com", "Fox News", ["Fox News Channel", "FOX News", "Fox News Digital"]),
    ("foxbusiness.com", "Fox Business", ["Fox Business Network"]),
    ("msnbc.com", "MSNBC", []),
    ("nbcnews.com", "NBC News", ["NBC"]),
    ("cbsnews.com", "CBS News", ["CBS"]),
    ("abcnews.go.com", "ABC News", []),
    ("npr.org", "NPR", ["National Public Radio"]),
    ("pbs.org", "PBS", ["PBS NewsHour", "Public Broadcasting Service"]),
    ("c-span.org", "C-SPAN", []),
    ("cnbc.com", "CNBC", []),
    ("newsmax.com", "Newsmax", ["NewsMax"]),
    ("oann.com", "One America News", ["One America News Network", "OANN", "OAN"]),
    ("theblaze.com", "TheBlaze", ["The Blaze", "Blaze Media"]),
    ("democracynow.org", "Democracy Now!", ["Democracy Now"]),
    ("cbc.ca", "CBC", ["CBC News", "Canadian Broadcasting Corporation"]),
    ("ctvnews.ca", "CTV News", []),
    ("globalnews.ca", "Global News", []),
    ("abc.net.au", "Australian Broadcasting Corporation", ["ABC Australia"]),
    ("skynews.com.au", "Sky News Australia", []),
    ("news.sky.com", "Sky News", []),
    ("bbc.com", "BBC", ["The BBC", "BBC News", "British Broadcasting Corporation", "BBC World Service"]),
    ("itv.com", "ITV News", ["ITV"]),
    ("channel4.com", "Channel 4 News", []),
    ("gbnews.com", "GB News", []),
    ("rte.ie", "RTÉ", ["RTE", "RTÉ News"]),
    ("nhk.or.jp", "NHK", ["NHK World"]),
    ("kbs.co.kr", "KBS", []),
    ("ndtv.com", "NDTV", []),
    ("timesnownews.com", "Times Now", []),
    ("republicworld.com", "Republic TV", ["Republic World"]),
    ("wionews.com", "WION", []),
    ("i24news.tv", "i24NEWS", ["i24 News"]),
    ("alarabiya.net", "Al Arabiya", []),
    ("scmp.com", "South China Morning Post", ["SCMP", "The South China Morning Post"]),
    # US newspapers and magazines
    ("nytimes.com", "The New York Times", ["New York Times", "NYT", "NY Times", "NYTimes"]),
    ("washingtonpost.com", "The Washington Post", ["Washington Post", "WaPo"]),
    ("wsj.com", "The Wall Street Journal", ["Wall Street Journal", "WSJ"]),
    ("usatoday.com", "USA Today", ["USA TODAY"]),
    ("latimes.com", "Los Angeles Times", ["The Los Angeles Times", "LA Times", "L.A. Times"]),
    ("chicagotribune.com", "Chicago Tribune", ["The Chicago Tribune"]),
    ("bostonglobe.com", "The Boston Globe", ["Boston Globe"]),
    ("nypost.com", "New York Post", ["The New York Post", "NY Post"]),
    ("nydailynews.com", "New York Daily News", ["The New York Daily News", "Daily News"]),
    ("newsday.com", "Newsday", []),
    ("sfchronicle.com", "San Francisco Chronicle", ["The San Francisco Chronicle"]),
    ("seattletimes.com", "The Seattle Times", ["Seattle Times"]),
    ("miamiherald.com", "Miami Herald", ["The Miami Herald"]),
    ("dallasnews.com", "The Dallas Morning News", ["Dallas Morning News"]),
    ("houstonchronicle.com", "Houston Chronicle", ["The Houston Chronicle"]),
    ("ajc.com", "The Atlanta Journal-Constitution", ["Atlanta Journal-Constitution", "AJC"]),
    ("inquirer.com", "The Philadelphia Inquirer", ["Philadelphia Inquirer"]),
    ("startribune.com", "Star Tribune", ["Minneapolis Star Tribune"]),
    ("denverpost.com", "The Denver Post", ["Denver Post"]),
    ("tampabay.com", "Tampa Bay Times", []),
    ("azcentral.com", "The Arizona Republic", ["Arizona Republic"]),
    ("detroitnews.com", "The Detroit News", ["Detroit News"]),
    ("freep.com", "Detroit Free Press", []),
    ("baltimoresun.com", "The Baltimore Sun", ["Baltimore Sun"]),
    ("orlandosentinel.com", "Orlando Sentinel", []),
    ("sun-sentinel.com", "South Florida Sun Sentinel", ["Sun Sentinel"]),
    ("csmonitor.com", "The Christian Science Monitor", ["Christian Science Monitor"]),
    ("washingtontimes.com", "The Washington Times", ["Washington Times"]),
    ("washingtonexaminer.com", "Washington Examiner", ["The Washington Examiner"]),
    ("thehill.com", "The Hill", []),
    ("politico.com", "Politico", ["POLITICO"]),
    ("axios.com", "Axios", []),
    ("vox.com", "Vox", []),
    ("slate.com", "Slate", []),
    ("salon.com", "Salon", []),
    ("theatlantic.com", "The Atlantic", []),
    ("newyorker.com", "The New Yorker", ["New Yorker"]),
    ("time.com", "Time magazine", ["TIME magazine", "Time Magazine"]),
    ("newsweek.com", "Newsweek", []),
    ("usnews.com", "U.S. News & World Report", ["US News & World Report"]),
    ("forbes.com", "Forbes", []),
    ("fortune.com", "Fortune magazine", []),
    ("businessinsider.com", "Business Insider", []),
    ("marketwatch.com", "MarketWatch", []),
    ("barrons.com", "Barron's", []),
    ("ft.com", "Financial Times", ["The Financial Times", "FT"]),
    ("economist.com", "The Economist", ["Economist"]),
    ("theintercept.com", "The Intercept", []),
    ("propublica.org", "ProPublica", []),
    ("motherjones.com", "Mother Jones", []),
    ("thenation.com", "The Nation", []),
    ("newrepublic.com", "The New Republic", ["New Republic"]),
    ("huffpost.com", "HuffPost", ["Huffington Post", "The Huffington Post", "HuffPo"]),
    ("buzzfeednews.com", "BuzzFeed News", []),
    ("buzzfeed.com", "BuzzFeed", []),
    ("thedailybeast.com", "The Daily Beast", ["Daily Beast"]),
    ("vice.com", "Vice News", ["VICE", "VICE News", "Vice Media"]),
    ("rollingstone.com", "Rolling Stone", []),
    ("vanityfair.com", "Vanity Fair", []),
    ("nationalreview.com", "National Review", []),
    ("weeklystandard.com", "The Weekly Standard", ["Weekly Standard"]),
    ("theamericanconservative.com", "The American Conservative", ["American Conservative"]),
    ("reason.com", "Reason magazine", ["Reason Magazine"]),
    ("spectator.org", "The American Spectator", ["American Spectator"]),
    ("foreignpolicy.com", "Foreign Policy", []),
    ("foreignaffairs.com", "Foreign Affairs", []),
    ("realclearpolitics.com", "RealClearPolitics", ["RealClear Politics", "RCP"]),
    ("fivethirtyeight.com", "FiveThirtyEight", []),
    ("rawstory.com", "Raw Story", ["The Raw Story"]),
    ("alternet.org", "AlterNet", ["Alternet"]),
    ("dailykos.com", "Daily Kos", []),
    ("commondreams.org", "Common Dreams", []),
    ("truthout.org", "Truthout", []),
    ("jacobinmag.com", "Jacobin", ["Jacobin magazine"]),
    ("counterpunch.org", "CounterPunch", []),
    ("occupydemocrats.com", "Occupy Democrats", []),
    ("palmerreport.com", "Palmer Report", []),
    ("mediamatters.org", "Media Matters", ["Media Matters for America"]),
    ("wired.com", "Wired", ["WIRED"]),
    ("theverge.com", "The Verge", []),
    ("techcrunch.com", "TechCrunch", []),
    ("arstechnica.com", "Ars Technica", []),
    ("scientificamerican.com", "Scientific American", []),
    ("nationalgeographic.com", "National Geographic", []),
    ("smithsonianmag.com", "Smithsonian magazine", []),
    ("snopes.com", "Snopes", []),
    ("politifact.com", "PolitiFact", []),
    ("factcheck.org", "FactCheck.org", []),
    ("fullfact.org", "Full Fact", []),
    ("bellingcat.com", "Bellingcat", []),
    ("poynter.org", "Poynter", ["Poynter Institute"]),
    ("pewresearch.org", "Pew Research Center", ["Pew Research", "Pew"]),
    ("statnews.com", "STAT News", []),
    ("courthousenews.com", "Courthouse News Service", ["Courthouse News"]),
    ("rollcall.com", "Roll Call", []),
    ("thedispatch.com", "The Dispatch", []),
    ("semafor.com", "Semafor", []),
    ("theglobeandmail.com", "The Globe and Mail", ["Globe and Mail"]),
    ("thestar.com", "Toronto Star", ["The Toronto Star"]),
    ("nationalpost.com", "National Post", ["The National Post"]),
    # US right-wing and hyper-partisan sites
    ("breitbart.com", "Breitbart", ["Breitbart News", "Breitbart News Network"]),
    ("dailycaller.com", "The Daily Caller", ["Daily Caller"]),
    ("dailywire.com", "The Daily Wire", ["Daily Wire"]),
    ("thefederalist.com", "The Federalist", []),
    ("dailysignal.com", "The Daily Signal", ["Daily Signal"]),
    ("townhall.com", "Townhall", []),
    ("redstate.com", "RedState", []),
    ("pjmedia.com", "PJ Media", []),
    ("thegatewaypundit.com", "The Gateway Pundit", ["Gateway Pundit"]),
    ("infowars.com", "Infowars", ["InfoWars"]),
    ("naturalnews.com", "Natural News", ["NaturalNews"]),
    ("zerohedge.com", "Zero Hedge", ["ZeroHedge"]),
    ("wnd.com", "WorldNetDaily", ["WND"]),
    ("theepochtimes.com", "The Epoch Times", ["Epoch Times"]),
    ("ntd.com", "NTD", ["New Tang Dynasty Television", "NTD Television"]),
    ("westernjournal.com", "The Western Journal", ["Western Journal"]),
    ("newsbusters.org", "NewsBusters", []),
    ("cnsnews.com", "CNSNews", ["CNS News", "Cybercast News Service"]),
    ("freebeacon.com", "Washington Free Beacon", ["The Washington Free Beacon", "Free Beacon"]),
    ("thepostmillennial.com", "The Post Millennial", ["Post Millennial"]),
    ("projectveritas.com", "Project Veritas", []),
    ("lifesitenews.com", "LifeSiteNews", ["LifeSite News", "LifeSite"]),
    ("frontpagemag.com", "FrontPage Magazine", ["FrontPage Mag", "Frontpage Mag"]),
    ("americanthinker.com", "American Thinker", []),
    ("bizpacreview.com", "BizPac Review", []),
    ("twitchy.com", "Twitchy", []),
    ("hotair.com", "Hot Air", []),
    ("lifenews.com", "LifeNews", ["LifeNews.com"]),
    ("thenewamerican.com", "The New American", []),
    ("newswars.com", "NewsWars", []),
    ("globalresearch.ca", "Global Research", ["Centre for Research on Globalization"]),
    ("mintpressnews.com", "MintPress News", ["MintPress", "Mint Press News"]),
    ("thegrayzone.com", "The Grayzone", ["Grayzone"]),
    ("consortiumnews.com", "Consortium News", []),
    ("strategic-culture.org", "Strategic Culture Foundation", []),
    ("veteranstoday.com", "Veterans Today", []),
    ("beforeitsnews.com", "Before It's News", []),
    ("yournewswire.com", "YourNewsWire", ["Your News Wire"]),
    ("newspunch.com", "NewsPunch", ["News Punch"]),
    ("activistpost.com", "Activist Post", []),
    ("collective-evolution.com", "Collective Evolution", []),
    ("childrenshealthdefense.org", "Children's Health Defense", []),
    ("mercola.com", "Mercola", []),
    ("greanvillepost.com", "The Greanville Post", []),
    ("unz.com", "The Unz Review", ["Unz Review"]),
    ("vdare.com", "VDARE", []),
    ("amren.com", "American Renaissance", []),
    ("dailystormer.name", "The Daily Stormer", ["Daily Stormer"]),
    # UK and Ireland
    ("theguardian.com", "The Guardian", ["Guardian newspaper", "Guardian Australia", "The Observer"]),
    ("thetimes.co.uk", "The Times of London", ["The Times of London", "The Sunday Times", "Sunday Times"]),
    ("telegraph.co.uk", "The Daily Telegraph", ["The Telegraph", "Daily Telegraph", "The Sunday Telegraph"]),
    ("independent.co.uk", "The Independent", []),
    (
        "dailymail.co.uk",
        "Daily Mail",
        ["The Daily Mail", "Mail Online", "MailOnline", "The Mail on Sunday", "Mail on Sunday"],
    ),
    ("thesun.co.uk", "The Sun (UK)", ["The Sun newspaper", "The Sun tabloid"]),
    ("mirror.co.uk", "Daily Mirror", ["The Daily Mirror", "The Mirror"]),
    ("express.co.uk", "Daily Express", ["The Daily Express", "Sunday Express"]),
    ("dailystar.co.uk", "Daily Star", ["The Daily Star"]),
    ("standard.co.uk", "Evening Standard", ["The Evening Standard", "London Evening Standard"]),
    ("metro.co.uk", "Metro (UK)", ["Metro newspaper"]),
    ("spectator.co.uk", "The Spectator", []),
    ("newstatesman.com", "New Statesman", ["The New Statesman"]),
    ("morningstaronline.co.uk", "Morning Star", ["The Morning Star"]),
    ("thecanary.co", "The Canary", []),
    ("order-order.com", "Guido Fawkes", []),
    ("spiked-online.com", "Spiked Online", ["spiked online", "Spiked magazine"]),
    ("irishtimes.com", "The Irish Times", ["Irish Times"]),
    ("independent.ie", "Irish Independent", ["The Irish Independent"]),
    ("thejournal.ie", "TheJournal.ie", []),
    ("heraldscotland.com", "The Herald (Scotland)", ["Herald Scotland", "The Glasgow Herald"]),
    ("scotsman.com", "The Scotsman", ["Scotsman"]),
    # Europe and elsewhere
    ("spiegel.de", "Der Spiegel", ["Spiegel", "DER SPIEGEL"]),
    ("zeit.de", "Die Zeit", ["Zeit Online"]),
    ("faz.net", "Frankfurter Allgemeine Zeitung", ["FAZ", "Frankfurter Allgemeine"]),
    ("sueddeutsche.de", "Süddeutsche Zeitung", ["Sueddeutsche Zeitung"]),
    ("bild.de", "Bild", ["BILD"]),
    ("welt.de", "Die Welt", []),
    ("lemonde.fr", "Le Monde", []),
    ("lefigaro.fr", "Le Figaro", []),
    ("liberation.fr", "Libération", ["Liberation"]),
    ("elpais.com", "El País", ["El Pais"]),
    ("elmundo.es", "El Mundo", []),
    ("corriere.it", "Corriere della Sera", []),
    ("repubblica.it", "La Repubblica", []),
    ("nrc.nl", "NRC", ["NRC Handelsblad"]),
    ("politico.eu", "Politico Europe", ["POLITICO Europe"]),
    ("euobserver.com", "EUobserver", []),
    ("euractiv.com", "Euractiv", ["EURACTIV"]),
    ("kyivindependent.com", "The Kyiv Independent", ["Kyiv Independent"]),
    ("kyivpost.com", "Kyiv Post", ["The Kyiv Post"]),
    ("themoscowtimes.com", "The Moscow Times", ["Moscow Times"]),
    ("meduza.io", "Meduza", []),
    ("novayagazeta.ru", "Novaya Gazeta", []),
    ("kommersant.ru", "Kommersant", []),
    ("ria.ru", "RIA Novosti", ["RIA Novosti news agency"]),
    ("haaretz.com", "Haaretz", []),
    ("timesofisrael.com", "The Times of Israel", ["Times of Israel"]),
    ("jpost.com", "The Jerusalem Post", ["Jerusalem Post"]),
    ("ynetnews.com", "Ynet", ["Ynetnews"]),
    ("arabnews.com", "Arab News", []),
    ("thenationalnews.com", "The National (UAE)", ["The National News"]),
    ("gulfnews.com", "Gulf News", []),
    ("dailysabah.com", "Daily Sabah", []),
    ("hurriyetdailynews.com", "Hürriyet Daily News", ["Hurriyet Daily News"]),
    ("tehrantimes.com", "Tehran Times", []),
    ("dawn.com", "Dawn (Pakistan)", ["Dawn newspaper"]),
    ("thehindu.com", "The Hindu", []),
    ("hindustantimes.com", "Hindustan Times", []),
    ("indianexpress.com", "The Indian Express", ["Indian Express"]),
    ("timesofindia.indiatimes.com", "The Times of India", ["Times of India"]),
    ("opindia.com", "OpIndia", []),
    ("thewire.in", "The Wire (India)", ["The Wire India"]),
    ("scroll.in", "Scroll.in", []),
    ("straitstimes.com", "The Straits Times", ["Straits Times"]),
    ("japantimes.co.jp", "The Japan Times", ["Japan Times"]),
    ("asahi.com", "Asahi Shimbun", ["The Asahi Shimbun"]),
    ("koreaherald.com", "The Korea Herald", ["Korea Herald"]),
    ("koreatimes.co.kr", "The Korea Times", ["Korea Times"]),
    ("rappler.com", "Rappler", []),
    ("smh.com.au", "The Sydney Morning Herald", ["Sydney Morning Herald"]),
    ("theage.com.au", "The Age (Melbourne)", ["The Age newspaper"]),
    ("theaustralian.com.au", "The Australian (newspaper)", ["The Australian newspaper"]),
    ("news.com.au", "News.com.au", []),
    ("nzherald.co.nz", "The New Zealand Herald", ["New Zealand Herald", "NZ Herald"]),
    ("stuff.co.nz", "Stuff (NZ)", ["Stuff.co.nz"]),
    ("mg.co.za", "Mail & Guardian", ["Mail and Guardian"]),
    ("news24.com", "News24", []),
    ("nation.africa", "Daily Nation", []),
    ("premiumtimesng.com", "Premium Times", []),
    ("clarin.com", "Clarín", ["Clarin"]),
    ("folha.uol.com.br", "Folha de S.Paulo", ["Folha de São Paulo", "Folha"]),
    ("eluniversal.com.mx", "El Universal", []),
    ("venezuelanalysis.com", "Venezuelanalysis", []),
    # satire
    ("theonion.com", "The Onion", []),
    ("babylonbee.com", "The Babylon Bee", ["Babylon Bee"]),
    ("clickhole.com", "ClickHole", []),
    ("newsthump.com", "NewsThump", []),
    ("thedailymash.co.uk", "The Daily Mash", ["Daily Mash"]),
    ("waterfordwhispersnews.com", "Waterford Whispers News", []),
    ("duffelblog.com", "Duffel Blog", []),
    ("thebeaverton.com", "The Beaverton", []),
    ("thehardtimes.net", "The Hard Times", []),
    ("betootaadvocate.com", "The Betoota Advocate", ["Betoota Advocate"]),
    ("chaser.com.au", "The Chaser", []),
    ("reductress.com", "Reductress", []),
    ("newyorker.com/humor/borowitz-report", "The Borowitz Report", ["Borowitz Report"]),
    # platforms often cited as sources
    ("wikipedia.org", "Wikipedia", []),
    ("youtube.com", "YouTube", []),
    ("twitter.com", "Twitter", []),
    ("facebook.com", "Facebook", []),
    ("reddit.com", "Reddit", []),
    ("medium.com", "Medium", []),
    ("substack.com", "Substack", []),
    ("wikileaks.org", "WikiLeaks", ["Wikileaks"]),
    ("yahoo.com", "Yahoo News", ["Yahoo! News"]),
    ("news.google.com", "Google News", []),
    ("msn.com", "MSN", []),
]

# User-content platforms: MBFC rows for these domains describe one account or blog hosted there, not the
# platform, so their MBFC/Baly ratings are dropped; they match only exactly, never for a user's subdomain.
PLATFORMS: list[str] = [
    "facebook.com",
    "twitter.com",
    "x.com",
    "youtube.com",
    "instagram.com",
    "tiktok.com",
    "reddit.com",
    "medium.com",
    "substack.com",
    "wordpress.com",
    "blogspot.com",
    "blogger.com",
    "tumblr.com",
    "wixsite.com",
    "weebly.com",
    "squarespace.com",
    "github.io",
    "linkedin.com",
    "t.me",
    "telegram.me",
    "rumble.com",
    "bitchute.com",
    "patreon.com",
    "livejournal.com",
    "mayfirst.org",
    "google.com",
    "sites.google.com",
]

# Satire publications (MBFC's "Satire" category; each self-describes as satire or parody).
SATIRE: list[str] = [
    "theonion.com",
    "clickhole.com",
    "babylonbee.com",
    "newsthump.com",
    "thedailymash.co.uk",
    "waterfordwhispersnews.com",
    "duffelblog.com",
    "newyorker.com/humor/borowitz-report",
    "thebeaverton.com",
    "thehardtimes.net",
    "betootaadvocate.com",
    "chaser.com.au",
    "reductress.com",
    "thelapine.ca",
    "burrardstreetjournal.com",
    "christwire.org",
    "adobochronicles.com",
    "dailysquib.co.uk",
    "thespoof.com",
    "newsbiscuit.com",
    "thepeoplescube.com",
    "gomerblog.com",
    "eyeofthetiber.com",
    "thesciencepost.com",
    "sportspickle.com",
    "themideastbeast.com",
]


# ============================================================================ build
SOURCES = {
    # id: (title, date, citation, licence, url)
    "mbfc-burdisso2024": (
        "MBFC via Burdisso et al. 2024",
        "2024",
        "Media Bias/Fact Check ratings as scraped for Burdisso, Sanchez-Cortes, Villatoro-Tello, Motlicek: "
        "Reliability Estimation of News Media Sources: Birds of a Feather Flock Together, NAACL 2024 "
        "(github.com/idiap/News-Media-Reliability @ c3f50254, data/golden_truth/mbfc/mbfc.csv)",
        "repository Apache-2.0; ratings are MBFC's judgements (MBFC content is copyrighted by MBFC)",
        "https://github.com/idiap/News-Media-Reliability",
    ),
    "mbfc-baly2020": (
        "MBFC via Baly et al. 2020",
        "2020",
        "Baly et al.: What Was Written vs. Who Read It: News Media Profiling Using Text Analysis and Social "
        "Media Context, ACL 2020 (github.com/ramybaly/News-Media-Reliability @ 28ab9b41, "
        "data/acl2020/corpus.tsv); "
        "bias on a 3-point scale (left/center/right)",
        "no licence stated; labels are MBFC's judgements",
        "https://github.com/ramybaly/News-Media-Reliability",
    ),
    "mbfc-baly2018": (
        "MBFC via Baly et al. 2018",
        "2018",
        "Baly et al.: Predicting Factuality of Reporting and Bias of News Media Sources, EMNLP 2018 "
        "(github.com/ramybaly/News-Media-Reliability @ 28ab9b41, data/emnlp18/corpus.tsv)",
        "no licence stated; labels are MBFC's judgements",
        "https://github.com/ramybaly/News-Media-Reliability",
    ),
    "wikipedia-rsp-burdisso2024": (
        "Wikipedia perennial sources via Burdisso et al. 2024",
        "2024",
        "Wikipedia:Reliable sources/Perennial sources, status per domain as extracted by "
        "Burdisso et al. 2024 "
        "(wikipedia_perennial_sources.json: 1 generally reliable, 0 no consensus, -1 generally unreliable or "
        "deprecated, -2 blacklisted)",
        "Wikipedia text CC BY-SA 4.0; extraction Apache-2.0",
        "https://en.wikipedia.org/wiki/Wikipedia:Reliable_sources/Perennial_sources",
    ),
    "unreliable-list-burdisso2024": (
        "Burdisso et al. 2024 list of unreliable sources",
        "2024",
        "unreliable_news_sources.txt of Burdisso et al. 2024, "
        "'collected from different papers and documents' "
        "(label_source 'manual' in golden_truth_dataset.csv)",
        "Apache-2.0",
        "https://github.com/idiap/News-Media-Reliability",
    ),
    "spinscope-curated": (
        "spinscope curated list",
        CURATED_DATE,
        "satire publications listed by the spinscope authors (MBFC 'Satire' category; each self-describes as "
        "satire or parody) and user-content platforms; see SATIRE and PLATFORMS in scripts/build_outlets.py",
        "Apache-2.0 (spinscope)",
        "",
    ),
}

FACT_MAP = {
    "very high": "very high",
    "high": "high",
    "mostly factual": "mostly factual",
    "mixed": "mixed",
    "low": "low",
    "very low": "very low",
}
BALY18_BIAS = {
    "extreme-left": "extreme-left",
    "left": "left",
    "left-center": "left-center",
    "center": "center",
    "right-center": "right-center",
    "right": "right",
    "extreme-right": "extreme-right",
}
RSP_MAP = {1: "generally reliable", 0: "no consensus", -1: "generally unreliable", -2: "blacklisted"}
CRED_MAP = {"high credibility": "high", "medium credibility": "medium", "low credibility": "low"}
# Baly's URLs with a path that just points at the site's news section: rate the whole host.
GENERIC_SEGMENTS = {
    "en",
    "english",
    "news",
    "home",
    "main_page",
    "sections",
    "t2",
    "blog",
    "blogs",
    "us",
    "ushome",
    "international",
    "amp",
    "h",
    "wiki",
    "pulse",
    "or",
    "elpais",
    "inenglish.html",
}


def generic_path(path: str) -> bool:
    """True for a path that only points at a site's front or news section (rate the whole host)."""
    return all(
        seg in GENERIC_SEGMENTS or re.fullmatch(r"(index|home|default)(\.\w+)?", seg) for seg in path.split("/") if seg
    )


def mbfc_bias(raw: str) -> tuple[str | None, list[str]]:
    """Split MBFC's free-text bias field into (political bias, category labels)."""
    s = " ".join(raw.lower().replace("–", "-").split())
    labels = []
    if re.search(r"conspiracy|pseudoscience|psuedoscience|pseusdoscience", s):
        labels.append("conspiracy-pseudoscience")
    if "pro-science" in s:
        labels.append("pro-science")
        return None, labels  # "pro-science (left-leaning)" is not an MBFC political rating
    if re.search(r"(extreme|far)[- ]left", s):
        return "extreme-left", labels
    if re.search(r"(extreme|far|alt)[- ]right", s):
        return "extreme-right", labels
    if re.search(r"left[- ]center|center[- ]left", s):
        return "left-center", labels
    if re.search(r"right[- ]center|center[- ]right", s):
        return "right-center", labels
    if "least biased" in s or s == "center":
        return "center", labels
    if re.search(r"\bleft\b", s):
        return "left", labels
    if re.search(r"\bright\b", s):
        return "right", labels
    return None, labels


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def psl_suffixes() -> tuple[set[str], str, str]:
    """Public suffixes (ICANN and private sections) from the tld package's bundled Public Suffix List."""
    import tld

    res = Path(tld.__file__).parent / "res" / "effective_tld_names.dat.txt"
    out = set()
    for line in res.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("//") and not line.startswith("!") and not line.startswith("*"):
            out.add(line.encode("idna").decode("ascii") if not line.isascii() else line.lower())
    return out, sha256(res), getattr(tld, "__version__", "?")


class Builder:
    def __init__(self) -> None:
        self.rows: dict[str, list[tuple[str, str, str | None, str, str | None]]] = {}
        self.names: dict[str, tuple[str, str]] = {}  # key -> (name, name_source)
        self.skipped: list[str] = []
        self.dropped_platform_rows = 0

    def add(self, key: str, fld: str, value: str | None, raw: str | None, source: str, ref: str | None = None) -> None:
        if not value:
            return
        row = (fld, value, raw if raw != value else None, source, ref)
        rows = self.rows.setdefault(key, [])
        if not any(r[0] == fld and r[1] == value and r[3] == source for r in rows):
            rows.append(row)

    def key_for(self, url: str) -> str | None:
        try:
            host, path = _normalise(url)
        except Exception:
            self.skipped.append(url)
            return None
        p = "/".join(x for x in unquote(path).lower().split("/") if x)
        if p and not generic_path(p):
            return f"{host}/{p}"
        return host


def build(data: Path, out_db: Path, out_names: Path) -> dict[str, object]:
    mr = data / "media_reliability"
    files = {
        "baly_emnlp18/corpus.tsv": mr / "baly_emnlp18" / "corpus.tsv",
        "baly_acl2020/corpus.tsv": mr / "baly_acl2020" / "corpus.tsv",
        "idiap_burdisso2024/mbfc.csv": mr / "idiap_burdisso2024" / "mbfc.csv",
        "idiap_burdisso2024/golden_truth_dataset.csv": mr / "idiap_burdisso2024" / "golden_truth_dataset.csv",
        "idiap_burdisso2024/wikipedia_perennial_sources.json": mr
        / "idiap_burdisso2024"
        / "wikipedia_perennial_sources.json",
        "idiap_burdisso2024/unreliable_news_sources.txt": mr / "idiap_burdisso2024" / "unreliable_news_sources.txt",
    }
    for f in files.values():
        if not f.is_file():
            raise SystemExit(f"missing input {f}")
    b = Builder()

    # 1. MBFC scrape (Burdisso et al. 2024): most recent, first in precedence.
    with files["idiap_burdisso2024/mbfc.csv"].open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            key = b.key_for(row["source"])
            if key is None:
                continue
            sid = "mbfc-burdisso2024"
            fact = row["factual_reporting"].strip().lower()
            b.add(key, "factuality", FACT_MAP.get(fact), fact, sid)
            bias, labels = mbfc_bias(row["bias"])
            b.add(key, "bias", bias, row["bias"].strip().lower(), sid)
            for lab in labels:
                b.add(key, "label", lab, row["bias"].strip().lower(), sid)
            cred = CRED_MAP.get(row["mbfc_credibility_rating"].strip().lower())
            b.add(key, "credibility", cred, row["mbfc_credibility_rating"].strip().lower(), sid)
            country = re.sub(r"\s*\(.*\)$", "", row["country"].strip().lower())
            if country and country != "unknown":
                b.add(key, "country", country, row["country"].strip().lower(), sid)
            mt = row["media_type"].strip().lower()
            if mt:
                b.add(key, "media_type", mt, None, sid)

    # 2./3. Baly et al. 2020 and 2018 (MBFC labels of their time; ref = the MBFC page).
    for fname, sid, bias_map in (
        ("baly_acl2020/corpus.tsv", "mbfc-baly2020", None),
        ("baly_emnlp18/corpus.tsv", "mbfc-baly2018", BALY18_BIAS),
    ):
        with files[fname].open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                key = b.key_for(row["source_url"])
                if key is None:
                    continue
                ref = row["ref"].strip() or None
                fact = row["fact"].strip().lower()
                b.add(key, "factuality", FACT_MAP.get(fact), fact, sid, ref)
                braw = row["bias"].strip().lower()
                bias = (
                    bias_map.get(braw)
                    if bias_map is not None
                    else (braw if braw in ("left", "center", "right") else None)
                )
                b.add(key, "bias", bias, braw + (" (3-point scale)" if bias_map is None else ""), sid, ref)
                if ref and key not in b.names:
                    slug = ref.rstrip("/").rsplit("/", 1)[-1]
                    if slug and slug != "mediabiasfactcheck.com":
                        b.names[key] = (
                            " ".join(w.capitalize() for w in slug.split("-")),
                            f"MBFC page slug ({ref})",
                        )

    # 4. Wikipedia perennial sources.
    rsp = json.loads(files["idiap_burdisso2024/wikipedia_perennial_sources.json"].read_text(encoding="utf-8"))
    for dom, status in rsp.items():
        key = b.key_for(dom)
        if key is not None:
            b.add(key, "reliability", RSP_MAP[int(status)], str(status), "wikipedia-rsp-burdisso2024")
            if int(status) == -2:
                b.add(key, "label", "blacklisted-on-wikipedia", str(status), "wikipedia-rsp-burdisso2024")

    # 5. The manual unreliable list, as it entered the golden truth (label_source == "manual").
    manual = set()
    with files["idiap_burdisso2024/golden_truth_dataset.csv"].open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["label_source"] == "manual":
                manual.add(row["domain"].strip())
    listed = {ln.strip() for ln in files["idiap_burdisso2024/unreliable_news_sources.txt"].read_text().splitlines()}
    for dom in sorted(manual):
        key = b.key_for(dom)
        if key is not None:
            b.add(key, "reliability", "listed unreliable", "-1", "unreliable-list-burdisso2024")

    # 6. Curated satire labels.
    for dom in SATIRE:
        key = b.key_for("//" + dom) if "/" in dom else b.key_for(dom)
        if key is not None:
            b.add(key, "label", "satire", None, "spinscope-curated")

    # 7. Platforms: drop tenant ratings, label as a platform.
    for dom in PLATFORMS:
        key = b.key_for(dom)
        if key is None:
            continue
        dropped = [r for r in b.rows.get(key, []) if r[3].startswith("mbfc-")]
        b.dropped_platform_rows += len(dropped)
        b.rows[key] = [r for r in b.rows.get(key, []) if not r[3].startswith("mbfc-")]
        b.add(key, "label", "user-content-platform", None, "spinscope-curated")

    # Names: curated names win over MBFC slugs.
    name_list = []
    for dom, name, aliases in OUTLETS:
        key = b.key_for("//" + dom) if "/" in dom else b.key_for(dom)
        assert key is not None, dom
        b.names[key] = (name, "spinscope curated name list")
        listed_by = sorted({SOURCES[r[3]][0] for r in b.rows.get(key, [])})
        refs = sorted({r[4] for r in b.rows.get(key, []) if r[4]})
        name_list.append(
            {
                "name": name,
                "domain": key,
                "aliases": aliases,
                "provenance": {
                    "names": f"spinscope curated ({CURATED_DATE}): the outlet's masthead "
                    "and short forms used in news copy",
                    "domain_rated_by": listed_by,
                    "mbfc_pages": refs,
                },
            }
        )

    suffixes, psl_sha, tld_version = psl_suffixes()

    # Write the database.
    out_db.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_db.with_suffix(".tmp")
    if tmp.exists():
        tmp.unlink()
    con = sqlite3.connect(tmp)
    con.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE sources (id TEXT PRIMARY KEY, title TEXT NOT NULL, date TEXT, citation TEXT,
                              licence TEXT,
                              url TEXT);
        CREATE TABLE outlets (domain TEXT PRIMARY KEY, name TEXT, name_source TEXT,
                              shared_host INTEGER NOT NULL);
        CREATE TABLE ratings (domain TEXT NOT NULL REFERENCES outlets(domain), field TEXT NOT NULL,
                              value TEXT NOT NULL, raw TEXT, source TEXT NOT NULL REFERENCES sources(id),
                              ref TEXT);
        CREATE INDEX ratings_domain ON ratings(domain);
        """
    )
    for sid, (title, date, citation, licence, url) in SOURCES.items():
        con.execute("INSERT INTO sources VALUES (?,?,?,?,?,?)", (sid, title, date, citation, licence, url))
    keys = sorted(set(b.rows) | {k for k in b.names if k in b.rows or any(k == n["domain"] for n in name_list)})
    for key in keys:
        named = b.names.get(key)
        oname = named[0] if named else None
        oname_source = named[1] if named else None
        host = key.split("/", 1)[0]
        con.execute(
            "INSERT INTO outlets VALUES (?,?,?,?)",
            (key, oname, oname_source, int((host in suffixes or host in PLATFORMS) and "/" not in key)),
        )
        for fld, value, raw, sid, ref in b.rows.get(key, []):
            con.execute("INSERT INTO ratings VALUES (?,?,?,?,?,?)", (key, fld, value, raw, sid, ref))
    counts: dict[str, int] = {"domains": len(keys), "rated_domains": len(b.rows)}
    for sid in SOURCES:
        counts[f"rated_by:{sid}"] = sum(1 for rows in b.rows.values() if any(r[3] == sid for r in rows))
    for fld in ("factuality", "bias", "reliability", "credibility", "label"):
        counts[f"with:{fld}"] = sum(1 for rows in b.rows.values() if any(r[0] == fld for r in rows))
    counts["label:satire"] = sum(
        1 for rows in b.rows.values() if any(r[0] == "label" and r[1] == "satire" for r in rows)
    )
    counts["label:conspiracy-pseudoscience"] = sum(
        1 for rows in b.rows.values() if any(r[0] == "label" and r[1] == "conspiracy-pseudoscience" for r in rows)
    )
    counts["shared_host_entries"] = sum(1 for k in keys if (k in suffixes or k in PLATFORMS))
    counts["platform_tenant_ratings_dropped"] = b.dropped_platform_rows
    counts["skipped_inputs"] = len(b.skipped)
    counts["manual_list_lines_not_in_golden_truth"] = len(listed - manual - {""})
    meta = {
        "schema": "spinscope-outlets/1",
        "build_command": BUILD_COMMAND,
        "build_script_sha256": sha256(Path(__file__)),
        "psl": f"Public Suffix List bundled with tld {tld_version}, sha256 {psl_sha}",
        "counts": json.dumps(counts, sort_keys=True),
        "source_precedence": "mbfc-burdisso2024 > mbfc-baly2020 > mbfc-baly2018 (factuality, bias); "
        "wikipedia-rsp-burdisso2024 > unreliable-list-burdisso2024 (reliability)",
    }
    for rel, f in files.items():
        meta[f"input_sha256:{rel}"] = sha256(f)
    for k, v in meta.items():
        con.execute("INSERT INTO meta VALUES (?,?)", (k, v))
    con.commit()
    con.execute("VACUUM")
    con.close()
    tmp.replace(out_db)

    names_doc = {
        "schema": "spinscope-outlet-names/1",
        "about": "Outlet names as they appear in news text, mapped to the outlet's domain. "
        "Matched case-sensitively "
        "and word-bounded by spinscope.outlets.OutletTable.find_names; an alias starting with 'The ' also "
        "matches with 'the'. Generated by scripts/build_outlets.py; edit the OUTLETS list there.",
        "build_command": BUILD_COMMAND,
        "date": CURATED_DATE,
        "outlets": name_list,
    }
    out_names.write_text(json.dumps(names_doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return {"counts": counts, "meta": meta}


BUILD_COMMAND = "python scripts/build_outlets.py --data ../shared/data"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    root = Path(__file__).resolve().parents[1]
    ap.add_argument(
        "--data", type=Path, default=Path(os.environ.get("SPINSCOPE_DATA", root.parent / "shared" / "data"))
    )
    ap.add_argument("--out", type=Path, default=root / "src" / "spinscope" / "resources" / "outlets.sqlite")
    ap.add_argument("--names-out", type=Path, default=root / "src" / "spinscope" / "resources" / "outlet_names.json")
    args = ap.parse_args()
    info = build(args.data, args.out, args.names_out)
    print(json.dumps(info["counts"], indent=1, sort_keys=True))
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes) and {args.names_out}")


if __name__ == "__main__":
    main()
