#!/usr/bin/env bash
# CLI tests of languages in an index (issue 21): a night holds a few German and French articles
# among English ones. Their rows (add, export, report --run) say de and fr; the story level has
# no term weights for them (fewer than 1000 near groups of each), so no German article shares a
# story with an English one (not even one on the same event) or with another German one (not
# even its rewrite: the story level cannot weigh German yet), and the summary names them; a copy of a held German article still joins its near group. An
# index of schema v6 (no languages) reads its articles as English, and is upgraded (v8 now).
# Usage: tests/cli/index_lang.sh path/to/neardup   (run from the project root)
source "$(dirname "$0")/lib.sh"
db=$tmp/news.db

python3 - "$tmp" <<'PY'
import json, pathlib, sys
tmp = pathlib.Path(sys.argv[1])
english = [json.loads(l) for l in open("corpus/news/feed.jsonl", encoding="utf-8")]
german = {
    "de-leasing": "Wer ein neues Auto braucht, aber den hohen Kaufpreis scheut, greift immer "
    "häufiger zum Leasing. Dabei zahlt man eine monatliche Rate und gibt den Wagen nach zwei oder "
    "drei Jahren wieder beim Händler ab. Das klingt einfach, doch es lohnt sich, den Vertrag genau "
    "zu lesen: Wer mehr Kilometer fährt als vereinbart, muss am Ende oft kräftig nachzahlen. Auch "
    "kleine Kratzer und Dellen werden bei der Rückgabe gerne in Rechnung gestellt. Experten raten "
    "deshalb, das Fahrzeug vor der Abgabe selbst von einem unabhängigen Gutachter prüfen zu lassen "
    "und alle Schäden mit Fotos zu dokumentieren. Besonders für Selbstständige kann sich das "
    "Leasing aber steuerlich lohnen, weil die Raten als Betriebsausgaben gelten.",
    "de-kuchen": "Für diesen einfachen Apfelkuchen braucht man nur wenige Zutaten, die fast jeder "
    "zu Hause hat. Zuerst werden Butter und Zucker schaumig gerührt, dann kommen nach und nach die "
    "Eier dazu. Anschließend das Mehl mit dem Backpulver mischen und unter den Teig heben. Die "
    "Äpfel schälen, in dünne Spalten schneiden und mit etwas Zitronensaft beträufeln, damit sie "
    "nicht braun werden. Den Teig in eine gefettete Springform geben, die Äpfel darauf verteilen "
    "und alles mit Zimt bestreuen. Der Kuchen backt bei 180 Grad etwa vierzig Minuten, bis er "
    "goldbraun ist. Am besten schmeckt er noch lauwarm mit einem Klecks Sahne.",
    "de-fabrik": "Ein europäischer Autobauer wird in der Nähe der Stadt Karvel im Norden eine "
    "Batteriefabrik mit 2.400 Arbeitsplätzen errichten. Das gaben das Unternehmen und die "
    "Regionalregierung am Montag bekannt. Damit endet ein monatelanger Wettbewerb zwischen vier "
    "möglichen Standorten. Das Werk soll ab 2028 Zellen für elektrische Transporter und kleine "
    "Autos herstellen. Nach Angaben des Konzerns gaben der günstige Windstrom, die Bahnanbindung "
    "an den Hafen und ein großes Gelände eines früheren Truppenübungsplatzes den Ausschlag. "
    "Gewerkschaften begrüßten die Entscheidung, forderten aber, dass die neuen Stellen nach "
    "Tarif bezahlt werden.",
    # the same story in other words: weighed, the two would be one story (weighted Jaccard 0.2
    # with English weights); without German term weights they are not linked
    "de-fabrik-b": "Karvel bekommt die Batteriefabrik: Der europäische Autokonzern hat sich "
    "nach monatelangem Ringen für die Stadt im Norden entschieden, wie Firma und "
    "Landesregierung am Montag mitteilten. In dem Werk sollen 2.400 Menschen arbeiten und ab "
    "2028 Batteriezellen für Elektrotransporter und Kleinwagen fertigen. Vier Standorte waren "
    "im Rennen gewesen. Den Ausschlag gaben laut Konzern billiger Strom aus Windkraft, der "
    "Gleisanschluss zum Hafen und die große Fläche des ehemaligen Truppenübungsplatzes. Die "
    "Gewerkschaften zeigten sich erfreut, verlangen aber eine Bezahlung nach Tarif für alle "
    "neuen Beschäftigten.",
}
french = {
    "fr-universite": "Les universités françaises font face à une hausse importante du nombre "
    "d'étudiants cette année, alors que les moyens n'ont pas suivi. Dans plusieurs facultés, les "
    "amphithéâtres sont pleins dès la rentrée et certains cours de première année se déroulent "
    "désormais en ligne faute de salles disponibles. Les présidents d'université demandent au "
    "gouvernement un plan d'investissement sur cinq ans pour rénover les bâtiments et recruter des "
    "enseignants. Le ministère assure que des crédits supplémentaires seront votés dans le "
    "prochain budget, mais les syndicats étudiants jugent ces promesses insuffisantes et appellent "
    "à une journée de mobilisation le mois prochain.",
    "fr-solidarite": "Le syndicat a annoncé la création d'un fonds de solidarité destiné aux "
    "salariés en grève depuis trois semaines dans l'usine de la vallée. Chaque adhérent est invité "
    "à verser une contribution, même modeste, afin de compenser une partie des journées de "
    "salaire perdues. Selon les responsables, plus de quarante mille euros ont déjà été récoltés "
    "grâce aux dons des habitants et des commerçants de la région. La direction de l'entreprise "
    "refuse pour l'instant de rouvrir les négociations sur les salaires, tandis que les ouvriers "
    "promettent de poursuivre le mouvement jusqu'à obtenir une augmentation.",
}
def line(id_, text, **extra):
    return json.dumps(dict({"id": id_, "text": text}, **extra), ensure_ascii=False) + "\n"
# night 1: the English feed, two German articles and one French (its language stated)
night1 = [json.dumps(e, ensure_ascii=False) + "\n" for e in english[:12]]
night1 += [line("de-leasing", german["de-leasing"]), line("de-kuchen", german["de-kuchen"]),
           line("fr-universite", french["fr-universite"], lang="fr")]
(tmp / "night1.jsonl").write_text("".join(night1), encoding="utf-8")
# night 2: the rest of the feed, the German story of an English one (the battery plant), a copy
# of a held German article, and a French one (identified)
night2 = [json.dumps(e, ensure_ascii=False) + "\n" for e in english[12:]]
night2 += [line("de-fabrik", german["de-fabrik"]), line("de-fabrik-b", german["de-fabrik-b"]),
           line("de-leasing-copy", german["de-leasing"]),
           line("fr-solidarite", french["fr-solidarite"])]
(tmp / "night2.jsonl").write_text("".join(night2), encoding="utf-8")
PY

# lang_of FILE ID: the lang column (found by its header) of ID's row
lang_of() { awk -F'\t' -v id="$2" 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == "lang") c = i} $1 == id {print $c}' "$1"; }
# story_of FILE ID: the story column of ID's row
story_of() { awk -F'\t' -v id="$2" '$1 == id {print $3}' "$1"; }

# --- a scan says the same: languages in the rows, the articles not weighed in the summary
expect_exit 0 -- "$bin" scan "$tmp/night1.jsonl"
[ "$(lang_of "$tmp/out" de-kuchen)" = de ] || fail "scan: de-kuchen's row is not de"
expect_grep "$tmp/err" "^story level: 3 articles in languages without term weights: de 2, fr 1$"

# --- night 1: rows say the languages; the summary names the articles not weighed
expect_exit 0 -- "$bin" index add --db "$db" "$tmp/night1.jsonl" -o "$tmp/rows1.tsv"
for id in de-leasing de-kuchen; do
  [ "$(lang_of "$tmp/rows1.tsv" $id)" = de ] || fail "night 1: $id's row says '$(lang_of "$tmp/rows1.tsv" $id)', not de"
done
[ "$(lang_of "$tmp/rows1.tsv" fr-universite)" = fr ] || fail "night 1: fr-universite's row is not fr"
[ "$(lang_of "$tmp/rows1.tsv" battery-plant-jobs-original)" = en ] || fail "night 1: an English row is not en"
expect_grep "$tmp/err" "story level: 3 articles in languages without term weights: de 2, fr 1$"
[ "$(story_of "$tmp/rows1.tsv" de-leasing)" != "$(story_of "$tmp/rows1.tsv" de-kuchen)" ] || fail "night 1: two unrelated German articles share a story"

# --- night 2: a German article on an English story is not that story; a copy joins its group
expect_exit 0 -- "$bin" index add --db "$db" "$tmp/night2.jsonl" -o "$tmp/rows2.tsv"
[ "$(lang_of "$tmp/rows2.tsv" de-fabrik)" = de ] || fail "night 2: de-fabrik's row is not de"
[ "$(lang_of "$tmp/rows2.tsv" de-leasing-copy)" = de ] || fail "night 2: the copy's row is not de"
[ "$(lang_of "$tmp/rows2.tsv" fr-solidarite)" = fr ] || fail "night 2: fr-solidarite's row is not fr (identified)"
# the copy is one of the held German article's near group: not a new article for the story level
expect_grep "$tmp/err" "story level: 3 articles in languages without term weights: de 2, fr 1$"
[ "$(awk -F'\t' '$1 == "de-leasing-copy" {print $11}' "$tmp/rows2.tsv")" = de-leasing ] || fail "night 2: the copy did not join de-leasing"
expect_exit 0 -- "$bin" index export --db "$db" -o "$tmp/export.tsv"
python3 - "$tmp/export.tsv" <<'PY' || fail "export: languages or stories wrong"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8"), delimiter="\t"))
lang = {r["id"]: r["lang"] for r in rows}
story = {r["id"]: r["story"] for r in rows}
want = {"de-leasing": "de", "de-kuchen": "de", "de-fabrik": "de", "de-fabrik-b": "de",
        "de-leasing-copy": "de",
        "fr-universite": "fr", "fr-solidarite": "fr"}
bad = [(i, lang.get(i), l) for i, l in want.items() if lang.get(i) != l]
bad += [(i, l) for i, l in lang.items() if i not in want and l != "en"]
others = [i for i in lang if not i.startswith("de-")]
for d in ("de-leasing", "de-kuchen", "de-fabrik", "de-fabrik-b"):
    mates = [i for i in lang if story[i] == story[d] and i != d and i != "de-leasing-copy"]
    if mates:
        bad.append((d, "shares a story with", mates))
if story["de-leasing-copy"] != story["de-leasing"]:
    bad.append(("de-leasing-copy", "not in its original's story"))
# the English story the German article tells has its English rewrites, and no German article
eng = story["battery-plant-jobs-original"]
if sum(1 for i in lang if story[i] == eng) < 2:
    bad.append(("battery-plant-jobs-original", "lost its English rewrites"))
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PY
expect_exit 0 -- "$bin" index stats --db "$db"
expect_grep "$tmp/out" "^story_documents.de	4$"; expect_grep "$tmp/out" "^story_documents.fr	2$"
expect_grep "$tmp/out" "^story_documents.en	[1-9][0-9]*$"
run=$("$bin" index runs --db "$db" | awk -F'\t' '$7 ~ /night2.jsonl$/ {print $1}')
expect_exit 0 -- "$bin" index report --db "$db" --run "$run"
cmp -s "$tmp/out" "$tmp/rows2.tsv" || fail "report --run $run differs from night 2's rows"
expect_exit 0 -- "$bin" index report --db "$db" --run "$run" -f jsonl
expect_grep "$tmp/out" '"id":"de-fabrik",.*"lang":"de","old_story":null}$'

# --- a v6 index (stored before languages): its articles read as English, shown as en
python3 - "$db" "$tmp/v6.db" <<'PY'
import shutil, sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.execute("PRAGMA wal_checkpoint(TRUNCATE)"); c.close()
shutil.copy(sys.argv[1], sys.argv[2])
c = sqlite3.connect(sys.argv[2])
c.executescript("""DROP VIEW articles; ALTER TABLE docs DROP COLUMN lang;
ALTER TABLE run_rows DROP COLUMN lang; ALTER TABLE run_rows DROP COLUMN old_story;
DROP TABLE story_lineage;
ALTER TABLE docs DROP COLUMN site; ALTER TABLE docs DROP COLUMN beside; DROP TABLE template_sites; DROP TABLE template_terms;
DELETE FROM settings WHERE key GLOB 'state_story_documents_*';
CREATE VIEW articles AS SELECT seq, id, source, date, added, length, near, story, text_hash,
  title, url FROM docs;
PRAGMA user_version = 6;""")
c.commit(); c.close()
PY
expect_exit 0 -- "$bin" index export --db "$tmp/v6.db"
[ "$(tail -n +2 "$tmp/out" | awk -F'\t' '{print $NF}' | sort -u)" = en ] || fail "v6 export: not every article en"
expect_exit 0 -- "$bin" index add --db "$tmp/v6.db" "$tmp/night1.jsonl"  # all held: upgrades only
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); v=c.execute("PRAGMA user_version").fetchone()[0]; n=c.execute("SELECT count(*) FROM articles WHERE lang IS NULL").fetchone()[0]; sys.exit(v != 8 or n == 0)' "$tmp/v6.db" || fail "v6 index not upgraded to v8 (NULL languages kept)"
expect_exit 0 -- "$bin" index check --db "$tmp/v6.db"
expect_exit 0 -- "$bin" index report --db "$tmp/v6.db" --run "$run"
[ "$(tail -n +2 "$tmp/out" | awk -F'\t' '{print $(NF - 1)}' | sort -u)" = en ] || fail "v6 run rows: not en"

finish index_lang
