#!/bin/sh
exec python3 "$(dirname "$0")/runtable.py" "$0"
# consumer.rules' escalation measured on the held-out sets of tests/data
# (hand-written tweets, dev.tsv's format; tests/data/README.md says how and
# when each was written), with scripts/measure-escalation FILE.  The
# figures are floors; tag(1) states them.  Sets A to D shaped the rules
# (each was measured once, unseen, then its misses were read); set E never
# did; F to N were written by helpers who never saw the rules, each
# measured once unseen, then used (M and N for the model only).  The
# keyword rules alone are measured with --escalation-model none; with the
# built-in escalation model (the fallback after them), trained on dev.tsv
# and sets A to D and F to N but never on E, they are measured as they
# ship.
# Only the rows marked "needs shared" read ../shared.
__TABLE__
### held-out set A (168 messages, 71 escalations; its misses shaped the rules): recall and precision, overall and per category, are floors
$ $TOP/scripts/measure-escalation --bin $TOP/bin --escalation-model none --floors escalate=0.97/0.99,privacy=0.95/0.95,safety=1/1,legal=1/1,security=0.94/1 $TOP/tests/data/escalation-heldout.tsv > /dev/null

### held-out set B (148, 61; its misses shaped the rules): recall and precision, overall and per category, are floors
$ $TOP/scripts/measure-escalation --bin $TOP/bin --escalation-model none --floors escalate=0.95/0.98,privacy=1/0.94,safety=0.89/0.94,legal=0.92/1,security=1/0.89 $TOP/tests/data/escalation-heldout-b.tsv > /dev/null

### held-out set C (134, 53; its misses shaped the rules): recall and precision, overall and per category, are floors
$ $TOP/scripts/measure-escalation --bin $TOP/bin --escalation-model none --floors escalate=0.98/1,privacy=1/0.93,safety=1/1,legal=1/1,security=0.92/1 $TOP/tests/data/escalation-heldout-c.tsv > /dev/null

### held-out set D (116, 47; its misses shaped the rules): recall and precision, overall and per category, are floors
$ $TOP/scripts/measure-escalation --bin $TOP/bin --escalation-model none --floors escalate=1/0.98,privacy=1/1,safety=1/1,legal=1/1,security=1/0.92 $TOP/tests/data/escalation-heldout-d.tsv > /dev/null

### held-out set E (83, 38; written after the last revision, never used to change the rules): recall and precision, overall and per category, are floors
$ $TOP/scripts/measure-escalation --bin $TOP/bin --escalation-model none --floors escalate=0.34/0.93,privacy=0.1/1,safety=0.3/1,legal=0.62/1,security=0.4/0.8 $TOP/tests/data/escalation-heldout-e.tsv > /dev/null

### held-out set F (240, 114 sure escalations; written by a helper who never saw the rules, measured once unseen at recall 0.66 / precision 0.94, then its misses shaped the rules): floors
$ $TOP/scripts/measure-escalation --bin $TOP/bin --escalation-model none --floors escalate=0.97/1,privacy=0.93/0.93,safety=0.97/0.97,legal=1/0.9,security=0.97/0.94 $TOP/tests/data/escalation-heldout-f.tsv > /dev/null

### held-out set G (240, 112 sure escalations; a second helper's, who saw neither the rules nor F; measured once unseen at 0.66 / 0.90, then its misses shaped the rules): floors
$ $TOP/scripts/measure-escalation --bin $TOP/bin --escalation-model none --floors escalate=0.78/1,privacy=0.75/0.88,safety=0.7/1,legal=0.94/1,security=0.79/1 $TOP/tests/data/escalation-heldout-g.tsv > /dev/null

### held-out set H (240, 117 sure escalations; a third helper's, who saw neither the rules nor F nor G; measured once unseen at 0.67 / 0.93, with the model 0.84 / 0.92, then its misses shaped the rules): floors
$ $TOP/scripts/measure-escalation --bin $TOP/bin --escalation-model none --floors escalate=0.82/1 $TOP/tests/data/escalation-heldout-h.tsv > /dev/null

### held-out set I (240, 113 sure escalations; a fourth helper's, closest to dev.tsv's real ones; measured once unseen at 0.67 / 0.96, as shipped 0.83 / 0.96, then its misses shaped the rules): floors
$ $TOP/scripts/measure-escalation --bin $TOP/bin --escalation-model none --floors escalate=0.82/0.99 $TOP/tests/data/escalation-heldout-i.tsv > /dev/null

### held-out set J (240, 115 sure escalations; a fifth helper's, half told as stories no phrase names; measured once unseen at 0.59 / 0.89, as shipped 0.79 / 0.91, then its misses shaped the rules): floors
$ $TOP/scripts/measure-escalation --bin $TOP/bin --escalation-model none --floors escalate=0.78/0.99 $TOP/tests/data/escalation-heldout-j.tsv > /dev/null

### held-out sets K and L (240 each, 118 and 113 sure escalations; a sixth and a seventh helper's, K written as twcs's customers write, L of every length and each category's rarer cases; measured once unseen as shipped at 0.86 / 0.98 and 0.89 / 0.92, then their misses shaped the rules): floors
$ $TOP/scripts/measure-escalation --bin $TOP/bin --escalation-model none --floors escalate=0.92/0.99 $TOP/tests/data/escalation-heldout-k.tsv > /dev/null
$ $TOP/scripts/measure-escalation --bin $TOP/bin --escalation-model none --floors escalate=0.98/0.98 $TOP/tests/data/escalation-heldout-l.tsv > /dev/null

### held-out sets M and N (240 each, 108 and 114 sure escalations; an eighth and a ninth helper's, M of situations other than the obvious ones, N a third plain, a third in few words, a third inside long threads): never used to change the rules. Measured once unseen as shipped at 0.86 / 1.00 and 0.86 / 0.97; the model is now trained on them too (tag(1) gives their figures with a model trained on all but each). The keyword rules alone: exact figures
$ $TOP/scripts/measure-escalation --bin $TOP/bin --escalation-model none $TOP/tests/data/escalation-heldout-m.tsv | head -n 1
$ $TOP/scripts/measure-escalation --bin $TOP/bin --escalation-model none $TOP/tests/data/escalation-heldout-n.tsv | head -n 1
> escalate  recall 0.66 (71/108)  precision 1.00 (71/71)
> escalate  recall 0.65 (74/114)  precision 0.96 (74/77)

### --floors: a figure below its floor is named, and the exit status is 1
$ $TOP/scripts/measure-escalation --bin $TOP/bin --escalation-model none --floors escalate=0.35/0.91,legal=0.5/1 $TOP/tests/data/escalation-heldout-e.tsv > /dev/null
2> measure-escalation: below the floor: escalate recall 0.34 < 0.35
? 1

### --floors: a figure that does not exist is a usage error
$ $TOP/scripts/measure-escalation --bin $TOP/bin --floors fraud=1/1 $TOP/tests/data/escalation-heldout-e.tsv 2>&1 | tail -n 1
> measure-escalation: error: --floors: no figure named fraud

### set E's figures, exactly as tag(1) states them: the keyword rules alone, then with the escalation model
$ $TOP/scripts/measure-escalation --bin $TOP/bin --escalation-model none $TOP/tests/data/escalation-heldout-e.tsv | head -n 1
$ $TOP/scripts/measure-escalation --bin $TOP/bin $TOP/tests/data/escalation-heldout-e.tsv | head -n 1
> escalate  recall 0.34 (13/38)  precision 0.93 (13/14)
> escalate  recall 0.55 (21/38)  precision 0.95 (21/22)

### with the escalation model: held-out set E (never trained on, nor used to change the rules): recall and precision, overall and per category, are floors
$ $TOP/scripts/measure-escalation --bin $TOP/bin --floors escalate=0.55/0.95,privacy=0.2/1,safety=0.7/1,legal=0.62/1,security=0.7/0.88 $TOP/tests/data/escalation-heldout-e.tsv > /dev/null

### with the escalation model: sets A to D and F to N (the model was trained on them, and the rules fitted to all but M and N): floors
$ $TOP/scripts/measure-escalation --bin $TOP/bin --floors escalate=0.99/1,privacy=0.95/1,safety=1/1,legal=1/1,security=1/1 $TOP/tests/data/escalation-heldout.tsv > /dev/null
$ $TOP/scripts/measure-escalation --bin $TOP/bin --floors escalate=0.98/0.98,privacy=1/0.94,safety=1/0.95,legal=0.92/1,security=1/0.89 $TOP/tests/data/escalation-heldout-b.tsv > /dev/null
$ $TOP/scripts/measure-escalation --bin $TOP/bin --floors escalate=1/1,privacy=1/0.93,safety=1/1,legal=1/1,security=1/1 $TOP/tests/data/escalation-heldout-c.tsv > /dev/null
$ $TOP/scripts/measure-escalation --bin $TOP/bin --floors escalate=1/1,privacy=1/1,safety=1/1,legal=1/1,security=1/1 $TOP/tests/data/escalation-heldout-d.tsv > /dev/null
$ $TOP/scripts/measure-escalation --bin $TOP/bin --floors escalate=1/1 $TOP/tests/data/escalation-heldout-f.tsv > /dev/null
$ $TOP/scripts/measure-escalation --bin $TOP/bin --floors escalate=0.98/1 $TOP/tests/data/escalation-heldout-g.tsv > /dev/null
$ $TOP/scripts/measure-escalation --bin $TOP/bin --floors escalate=1/0.99 $TOP/tests/data/escalation-heldout-h.tsv > /dev/null
$ $TOP/scripts/measure-escalation --bin $TOP/bin --floors escalate=0.99/0.99 $TOP/tests/data/escalation-heldout-i.tsv > /dev/null
$ $TOP/scripts/measure-escalation --bin $TOP/bin --floors escalate=1/0.99 $TOP/tests/data/escalation-heldout-j.tsv > /dev/null
$ $TOP/scripts/measure-escalation --bin $TOP/bin --floors escalate=0.99/0.99 $TOP/tests/data/escalation-heldout-k.tsv > /dev/null
$ $TOP/scripts/measure-escalation --bin $TOP/bin --floors escalate=1/0.98 $TOP/tests/data/escalation-heldout-l.tsv > /dev/null
$ $TOP/scripts/measure-escalation --bin $TOP/bin --floors escalate=0.98/1 $TOP/tests/data/escalation-heldout-m.tsv > /dev/null
$ $TOP/scripts/measure-escalation --bin $TOP/bin --floors escalate=0.96/0.97 $TOP/tests/data/escalation-heldout-n.tsv > /dev/null

### with the escalation model: dev.tsv's sure rows (trained on, as the rules were fitted to them): floors
! needs shared
$ $TOP/scripts/measure-escalation --shared $SHARED --bin $TOP/bin --floors escalate=0.94/0.96,privacy=0.93/0.93,safety=1/0.94,legal=1/0.75,security=0.89/1 > /dev/null



### measure-escalation FILE: a row without five tab-separated columns is named by FILE:LINE
$ printf 'id\tlabel\tconfidence\treason\ttext\nx:1\tnone\tsure\tno text\n' > bad.tsv
$ $TOP/scripts/measure-escalation --bin $TOP/bin bad.tsv
2> measure-escalation: bad.tsv:2: expected 5 tab-separated columns
? 1

### measure-escalation FILE: doubt rows count in neither figure
$ printf 'id\tlabel\tconfidence\treason\ttext\nx:1\tlegal\tsure\tlawyer\tmy lawyer will call you\nx:2\tlegal\tdoubt\tvague\tsee you soon\nx:3\tnone\tsure\tthanks\tthanks a lot\n' > s.tsv
$ $TOP/scripts/measure-escalation --bin $TOP/bin s.tsv | head -n 1
> escalate  recall 1.00 (1/1)  precision 1.00 (1/1)

### consumer.rules: held-out phrasings of the four classes, English and French, and hard negatives (rows of sets A to D)
$ tag -f $TOP/examples/rules/consumer.rules | jq -c .escalate
< {"direction": "in", "text": "@DominosUK ur delivery lad just added me on snapchat using the number from my order. not ok at all"}
< {"direction": "in", "text": "@Ask_Spectrum I keep getting mail for another customer with their acct number and balance on it. 3rd time"}
< {"direction": "in", "text": "@RobinhoodApp why did I get an email addressed to Michael with his whole portfolio"}
< {"direction": "in", "text": "@Orange_conseil j'ai reçu la facture d'une autre cliente avec son adresse et son RIB"}
< {"direction": "in", "text": "@SFR votre conseiller a lu mes SMS en boutique devant ma mère pendant la réparation"}
< {"direction": "in", "text": "@Starbucks told the barista twice I have a nut allergy and the drink had almond milk. throat started closing up, had to use my epi"}
< {"direction": "in", "text": "@Tesco your security guard grabbed my 15yo son by the neck and dragged him out of the store. over nothing"}
< {"direction": "in", "text": "@Costco a pallet fell off the forklift and missed my husband by inches"}
< {"direction": "in", "text": "@LeroyMerlin l'escabeau s'est plié sous mon père, il s'est cassé le poignet"}
< {"direction": "in", "text": "@Carrefour il y avait un éclat de verre dans la compote, ma fille saigne de la bouche"}
< {"direction": "in", "text": "@united already reported this to the DOT, you can't keep my refund"}
< {"direction": "in", "text": "@Hermesparcels small claim issued today, you'll get the papers"}
< {"direction": "in", "text": "@Airbnb_FR je saisis la commission de conciliation"}
< {"direction": "in", "text": "@Chase my card's been in my wallet the whole time but there's a charge in Florida, I'm in Ohio"}
< {"direction": "in", "text": "@monzo a guy called from your number saying my account was at risk and to move my money to a safe account"}
< {"direction": "in", "text": "@Boursorama un virement de 800€ est parti de mon compte, ce n'est pas moi"}
< {"direction": "in", "text": "@FortniteFR quelqu'un a dépensé mes V-bucks et changé l'adresse mail du compte"}
< {"direction": "in", "text": "@Tesco I'm allergic to your prices lol"}
< {"direction": "in", "text": "@Walgreens pharmacy line is 45 minutes, this is a health hazard lol"}
< {"direction": "in", "text": "@ChipotleTweets they gave me someone else's order, veggie bowl instead of chicken"}
< {"direction": "in", "text": "@Wayfair the couch arrived with a broken leg"}
< {"direction": "in", "text": "@AmericanAir why is there no legroom in economy, my knees are crushed"}
< {"direction": "in", "text": "@SNCF la clim du TER est en panne, on étouffe"}
< {"direction": "in", "text": "@McDonalds_fr le McFlurry était à moitié vide, arnaque lol"}
< {"direction": "in", "text": "@Zelle sent money to the wrong person by mistake, can I get it back?"}
< {"direction": "in", "text": "@USPS the mail carrier keeps putting my neighbour's mail in my box"}
< {"direction": "in", "text": "@FedEx the driver left my package with my neighbor without asking"}
< {"direction": "in", "text": "@Google I got a security alert but it was my new phone"}
< {"direction": "in", "text": "@sainsburys what are you doing to reduce the use of single use plastic in the product lines you carry?"}
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> false
> false
> false
> false
> false
> false
> false
> false
> false
> false
> false
> false

### escalation-model CATEGORY [>= P]: the built-in model's most likely escalation category, from a probability of 0.7 or the one given; --explain names the test
$ tag -r 'tag s if escalation-model safety' -r 'tag p if escalation-model privacy' -r 'tag any if escalation-model any >= 0.3' -r 'tag never if escalation-model any >= 1' --explain | jq -c '[.tags, [.explain[].matched[].test]]'
< {"direction": "in", "text": "@PapaJohns the driver you sent grabbed my daughter by the arm and shoved her"}
< {"direction": "in", "text": "@Comcast thanks, the internet is back and fast again"}
> [["s","any"],["escalation-model safety >= 0.7","escalation-model any >= 0.3"]]
> [[],[]]

### the model alone calls this refund complaint safety (0.7 or more likely)
$ tag -r 'tag model-safety if escalation-model safety' | jq -c .tags
< {"direction": "in", "text": "Zephyr I've been passed between 4 departments about a $170.08 refund.\nNobody can tell me anything.\n\nI've already tried reinstalling, clearing the cache and logging out and back in. Nothing."}
> ["model-safety"]

### consumer.rules: the model's safety needs a word of the field (SAFETY_FIELD), so that complaint is not escalated
$ tag -f $TOP/examples/rules/consumer.rules | jq -c '[.escalate, .tags]'
< {"direction": "in", "text": "Zephyr I've been passed between 4 departments about a $170.08 refund.\nNobody can tell me anything.\n\nI've already tried reinstalling, clearing the cache and logging out and back in. Nothing."}
> [false,["refund"]]

### escalation-model: an outbound record is never judged; --escalation-model none: the condition never holds
$ printf '%s\n' '{"direction": "out", "text": "@someone the driver you sent grabbed my daughter by the arm and shoved her"}' '{"direction": "in", "text": "@PapaJohns the driver you sent grabbed my daughter by the arm and shoved her"}' > r.ndjson
$ tag -r 'tag s if escalation-model safety' r.ndjson | jq -c .tags
$ tag --escalation-model none -r 'tag s if escalation-model safety' r.ndjson | jq -c .tags
> []
> ["s"]
> []
> []

### escalation-model: --emit-jq writes false (jq has no model)
$ tag --emit-jq -r 'tag s if escalation-model safety or has-tag x'
> def rule_1: (false or ((.tags // []) | index(["x"]) != null));
> if rule_1 then . | .tags = ((.tags // []) | if index(["s"]) then . else . + ["s"] end) else . end |
> .tags //= [] | .priority //= "normal" | .escalate //= false

### escalation-model: an unknown category is 78 with FILE:LINE:COL
$ tag -r 'tag s if escalation-model fraud' < /dev/null
2> tag: -r 1:1:27: expected privacy, safety, legal, security or any after escalation-model, found fraud
? 78

### escalation-model: a threshold outside 0 to 1, or not a number, is 78 with FILE:LINE:COL
$ tag -r 'tag s if escalation-model any >= 1.5' < /dev/null
2> tag: -r 1:1:34: expected a probability from 0 to 1 after escalation-model's >=, found 1.5
? 78

### escalation-model: a category is required
$ printf 'tag a if escalation-model\ntag b if keywords "x"\n' > r.rules; tag -f r.rules < /dev/null
2> tag: r.rules:2:1: expected privacy, safety, legal, security or any after escalation-model, found the end of the rule
? 78
