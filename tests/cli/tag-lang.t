#!/usr/bin/env python3
"""tag's language detection (common/langid.c) on short customer messages.

Always: messages written for this test in English, French, Spanish,
German, Italian and Portuguese, texts in other scripts, and texts that
carry no language (und); a record's own lang is kept; the detected lang is
seen by rules and picks the French lexicon.
With ../shared: TweetEval's validation tweets (all English) come out en
but for a few und, and never another language; the figures are printed as
TAP comments and man/tag.1 quotes them."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import ok, skip, done

top = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
shared = os.environ.get("CAREPIPE_SHARED") or os.path.join(top, "..", "shared")
tag = os.path.join(top, "bin", "tag")

CASES = [
    # French, with and without accents, handles and links
    ("fr", "@SNCF mon train a encore 40 minutes de retard, c'est inadmissible"),
    ("fr", "Bonjour, je n'ai toujours pas reçu ma commande passée il y a deux semaines"),
    ("fr", "impossible de joindre le service client, ça fait une heure que j'attends"),
    ("fr", "merci beaucoup pour votre aide !"),
    ("fr", "vous avez perdu ma valise et personne ne répond"),
    ("fr", "Le livreur a donné mon numéro de téléphone à sa famille"),
    ("fr", "je veux etre rembourse, c'est la troisieme fois que je demande"),
    ("fr", "Votre appli plante à chaque mise à jour https://t.co/abc123"),
    ("fr", "pourquoi mon compte est bloqué depuis hier ?"),
    ("fr", "Ma box ne marche plus, aucune connexion depuis ce matin"),
    ("fr", "Où est mon colis ?? Suivi bloqué depuis lundi"),
    ("fr", "merci"),
    ("fr", "On m'a débité deux fois pour la même commande"),
    ("fr", "Quelqu'un peut m'aider svp"),
    ("fr", "c'est nul, je suis très déçu du service"),
    # Spanish, German, Italian, Portuguese
    ("es", "@Amazon mi pedido no ha llegado todavía y nadie me responde"),
    ("es", "¿Por qué me cobraron dos veces? Quiero mi dinero"),
    ("es", "gracias por la ayuda, ya funciona"),
    ("es", "llevo una semana esperando y el servicio es pésimo"),
    ("de", "@DeutscheBahn Mein Zug ist schon wieder ausgefallen, das ist unglaublich"),
    ("de", "Ich warte seit zwei Wochen auf meine Bestellung"),
    ("de", "Danke für die schnelle Hilfe!"),
    ("de", "Warum kann ich mich nicht einloggen?"),
    ("it", "@Trenitalia il treno è in ritardo di un'ora e nessuno ci dice niente"),
    ("it", "grazie mille per l'aiuto"),
    ("it", "Non ho ancora ricevuto il mio ordine"),
    ("pt", "@Vodafone_PT a minha internet está sem funcionar desde ontem"),
    ("pt", "Obrigado pela ajuda, já está resolvido"),
    ("pt", "Não consigo entrar na minha conta"),
    # English, short and long
    ("en", "@AmazonHelp my order still hasn't arrived"),
    ("en", "thanks!"),
    ("en", "Why is the app down again? I can't log in"),
    ("en", "You leaked my address!"),
    # other scripts
    ("ja", "amazonのfireTVstickが見れない😢"),
    ("ko", "배송이 아직 안 왔어요"),
    ("zh", "我的订单还没有到"),
    ("ru", "Где мой заказ? Жду уже неделю"),
    ("uk", "Де моє замовлення? Чекаю вже тиждень"),
    ("el", "Πού είναι η παραγγελία μου;"),
    ("ar", "أين طلبي؟"),
    ("he", "איפה ההזמנה שלי"),
    # nothing to tell a language by
    ("und", "👍👍"),
    ("und", "@AppleSupport iPhone 7 Plus 😊"),
    ("und", "@SpotifyCares 1.0.65.320.gac7a8e02"),
    ("und", "https://t.co/xyz #BlackFriday"),
    ("und", "Olympus OM-D E-M5 Digital Camera"),
]


def run(records, *args):
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    p = subprocess.run([tag, *args], input=data.encode(),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, [json.loads(l) for l in p.stdout.decode().splitlines()]


tests = []

rc, out = run([{"id": f"t:{i}", "direction": "in", "text": t}
               for i, (_, t) in enumerate(CASES)])
for (want, text), rec in zip(CASES, out):
    tests.append((rec.get("lang") == want,
                  f"{want}: {text!r} (got {rec.get('lang')})"))
tests.append((rc == 0 and len(out) == len(CASES),
              f"every record out, exit 0 ({len(out)} of {len(CASES)}, exit {rc})"))

rc, out = run([{"id": "a", "text": "merci beaucoup", "lang": "en"},
               {"id": "b", "text": "merci beaucoup", "lang": None},
               {"id": "c", "text": "merci beaucoup", "lang": ""},
               {"id": "d", "text": ""}])
tests.append(([r.get("lang") for r in out] == ["en", "fr", "fr", None],
              "a record's own lang is kept; null or empty is detected; no text, no lang"))

rc, out = run([{"id": "a", "text": "je veux être remboursé"},
               {"id": "b", "text": "I want a refund"}], "-r", "tag french if lang = fr")
tests.append(([r["tags"] for r in out] == [["french"], []],
              "rules see the detected lang"))

rc, out = run([{"id": "a", "direction": "in", "text": "franchement c'est nul, je suis déçue"}])
tests.append((out and out[0]["sentiment"]["label"] == "negative",
              "the detected lang picks the French lexicon (nul, déçue: negative)"))

d = os.path.join(shared, "data", "tweeteval-sentiment")
if os.path.isfile(os.path.join(d, "val_text.txt")):
    with open(os.path.join(d, "val_text.txt"), encoding="utf-8") as f:
        texts = [t for t in f.read().split("\n") if t]
    rc, out = run([{"id": str(i), "direction": "in", "text": t} for i, t in enumerate(texts)])
    langs = [r.get("lang") for r in out]
    en = langs.count("en")
    und = langs.count("und")
    other = len(langs) - en - und
    print(f"# TweetEval val: {en} en, {und} und, {other} other of {len(langs)}")
    tests.append((len(langs) == 2000 and en >= 1980 and other == 0,
                  f"TweetEval val (English): at least 1980 of 2000 en, none another language"))
else:
    skip("TweetEval val (English)", "needs ../shared (tweeteval-sentiment)")

for good, name in tests:
    ok(good, name)
done()
