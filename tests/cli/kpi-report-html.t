#!/usr/bin/env python3
"""kpi-report's HTML page in a real browser: headless Chromium (Debian's
chromium, installed by scripts/install-deps) loads the page with every
host unresolvable, and the DOM it builds must hold the five SVG charts
with their bars, lines and spike markers; a screenshot must be written.
The page itself must name nothing to fetch: no scripts, links, images,
imports or URLs."""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import skip_all, ok, done, TOP

BIN = os.path.join(TOP, "bin")


browser = shutil.which("chromium") or shutil.which("chromium-browser")
if not browser:
    skip_all("chromium is not installed (scripts/install-deps installs it)")

tmp = tempfile.mkdtemp(prefix="carepipe-html-")
env = dict(os.environ, PATH=BIN + os.pathsep + os.environ.get("PATH", ""), LC_ALL="C.UTF-8")

# Input: the sample log, plus three days of hourly traffic with a volume
# spike and a negative-sentiment spike, so that alerts are drawn.
records = open(os.path.join(TOP, "examples", "scale", "sample.ndjson"), encoding="utf-8").read()
lines = []
for h in range(72):
    count = 40 if h == 60 else 20 if h == 66 else 5
    for i in range(count):
        neg = h == 66 or i == 0
        lines.append(json.dumps({
            "id": f"x:{h}-{i}", "platform": "x", "account": "acme" if i % 2 else "bolt",
            "direction": "in", "author": {"id": f"c{i}"},
            "text": "<script>alert(1)</script> & \"quotes\"",
            "created_at": "2024-03-%02dT%02d:%02d:00Z" % (3 + h // 24, h % 24, i),
            "tags": ["outage"] if neg else ["question"],
            "sentiment": {"label": "negative" if neg else "neutral", "score": -0.5 if neg else 0}}))
data = records + "\n".join(lines) + "\n"
page = os.path.join(tmp, "report.html")
p = subprocess.run(["kpi-report", "--by", "account", "--spike-min", "5", "-f", "html", "-o", page],
                   input=data.encode(), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
ok(p.returncode == 0 and os.path.getsize(page) > 0, "kpi-report -f html writes the page",
   p.stderr.decode())
html = open(page, encoding="utf-8").read()

# Self-contained: nothing that could make the browser fetch.
for pattern, what in [(r"<script", "no script"), (r"<link", "no link"), (r"<img", "no img"),
                      (r"\bsrc\s*=", "no src"), (r"\bhref\s*=", "no href"),
                      (r"url\(", "no CSS url()"), (r"@import", "no @import"),
                      (r"https?://", "no URL at all")]:
    ok(not re.search(pattern, html, re.I), f"self-contained: {what}")
ok("<script>alert" not in html, "customer text never reaches the page as markup")


def chromium(*args):
    profile = tempfile.mkdtemp(prefix="carepipe-chromium-", dir=tmp)
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND",
           f"--user-data-dir={profile}", *args, "file://" + page]
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=180)


try:
    dom = chromium("--dump-dom")
except subprocess.TimeoutExpired:
    dom = None
ok(dom is not None and dom.returncode == 0, "chromium --dump-dom loads the page",
   dom.stderr.decode()[-2000:] if dom else "timed out")
text = dom.stdout.decode("utf-8", "replace") if dom else ""
ok("<title>KPI report</title>" in text, "the loaded page has its title")
for chart in ["chart-volume", "chart-frt", "chart-sla", "chart-tags", "chart-spikes"]:
    m = re.search(r'<svg id="%s".*?</svg>' % chart, text, re.S)
    ok(m is not None, f"{chart} is in the DOM after load")
    body = m.group(0) if m else ""
    shapes = len(re.findall(r"<(rect|polyline|circle)\b", body))
    ok(shapes > 0, f"{chart} draws shapes ({shapes})")
vol = re.search(r'<svg id="chart-volume".*?</svg>', text, re.S)
ok(vol and 'class="spike major"' in vol.group(0), "the volume chart marks the major spike")
spk = re.search(r'<svg id="chart-spikes".*?</svg>', text, re.S)
# Six alerts: with --by account each account's volume spike and the
# smaller one after it (four), and the shares of the tags question and
# outage rising.
ok(spk and len(re.findall(r'<circle class="spike', spk.group(0))) == 6,
   "the hourly chart marks the six alerts")
sla = re.search(r'<svg id="chart-sla".*?</svg>', text, re.S)
ok(sla and "acme" in sla.group(0) and "bolt" in sla.group(0), "SLA compliance has a bar per account")
tags = re.search(r'<svg id="chart-tags".*?</svg>', text, re.S)
ok(tags and "question" in tags.group(0) and "outage" in tags.group(0), "tag bars are labelled")
ok("<script>alert" not in text, "customer text is not markup in the browser either")

# Issue 12: what a lead reads on the page.
legend = re.search(r'<g class="legend" id="legend-severity">.*?</g>', text, re.S)
ok(legend and all(s in legend.group(0) for s in ("minor", "moderate", "major")),
   "a legend says what the spike markers' colours mean")
# SLA bars: acme met 2 of 4 decided in the sample (50%, below the 90% goal),
# bolt 1 of 1 (100%, at or above); width is the share of 560 px.
bars = dict((m.group(4), (m.group(1), float(m.group(2)), float(m.group(3)))) for m in re.finditer(
    r'<rect class="(\w+)" x="250" y="[\d.]+" width="([\d.]+)" height="16" '
    r'data-value="([\d.]+)"><title>(\w+):', sla.group(0) if sla else ""))
ok(bars.get("acme") == ("below", 280.0, 0.5) and bars.get("bolt") == ("ok", 560.0, 1.0),
   f"SLA bars: value, width and colour against the goal ({bars})")
ok(sla and re.search(r'<line class="goal" id="sla-goal" x1="754.0"', sla.group(0)),
   "the 90% goal is a line at 250 + 0.9 * 560")
ok("SLA compliance per account: all 2 of 2, by inbound volume" in text,
   "the SLA chart says how many accounts it shows")
for chart in ["chart-volume", "chart-frt", "chart-sla", "chart-spikes"]:
    m = re.search(r'<svg id="%s".*?</svg>' % chart, text, re.S)
    ok(m and len(re.findall(r'class="axis-title"', m.group(0))) >= 1, f"{chart}: axes are titled")
hourly = re.search(r'<svg id="chart-spikes".*?</svg>', text, re.S)
ok(hourly and len(re.findall(r'<text class="tick"[^>]*>\d{4}-\d\d-\d\d \d\d:\d\d<', hourly.group(0))) >= 5,
   "the hourly chart labels more than its two ends")
inbound = sum(1 for l in data.splitlines() if '"direction": "in"' in l or '"direction":"in"' in l)
got = sum(float(x) for x in re.findall(r'data-in="(\d+)"', vol.group(0) if vol else ""))
ok(got == inbound, f"the volume bars add up to the {inbound} inbound records ({got})")
ok('<table id="groups">' in text and '<table id="alerts">' in text, "group and alert tables render")

# One record from 2011 must not stretch the chart over years: it is left
# out of the volume chart, which says so, and the bins stay hours or days.
page2 = os.path.join(tmp, "outlier.html")
old = json.dumps({"id": "x:old", "direction": "in", "created_at": "2011-08-29T03:20:05Z"})
p = subprocess.run(["kpi-report", "-f", "html", "-o", page2], input=(data + old + "\n").encode(),
                   env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
html2 = open(page2, encoding="utf-8").read()
vol2 = re.search(r'<svg id="chart-volume".*?</svg>', html2, re.S)
ok(vol2 and "left out as outliers: 1 before 2024-03-01, 0 after" in vol2.group(0),
   "an isolated 2011 record is left out of the volume chart, and the chart says so")
ok(vol2 and "records per hour" in vol2.group(0) and
   len(re.findall(r'<rect class="in"', vol2.group(0))) <= 120,
   "the bins fit the data's bulk (hours over five days)")

shot = os.path.join(tmp, "shot.png")
try:
    s = chromium(f"--screenshot={shot}", "--window-size=1200,2000")
except subprocess.TimeoutExpired:
    s = None
good = s is not None and s.returncode == 0 and os.path.exists(shot)
ok(good, "chromium --screenshot writes a PNG", s.stderr.decode()[-2000:] if s else "timed out")
if good:
    with open(shot, "rb") as f:
        head = f.read(24)
    w, h = struct.unpack(">II", head[16:24])
    ok(head[:8] == b"\x89PNG\r\n\x1a\n" and (w, h) == (1200, 2000),
       f"the screenshot is a 1200x2000 PNG ({w}x{h})")
    ok(os.path.getsize(shot) > 20000, f"the screenshot is not blank ({os.path.getsize(shot)} bytes)")
    if os.environ.get("KPI_KEEP_SCREENSHOT"):
        shutil.copy(shot, os.environ["KPI_KEEP_SCREENSHOT"])
shutil.rmtree(tmp, ignore_errors=True)
done()
