#include <doctest/doctest.h>

#include "neardup/core/hash.hpp"
#include "neardup/lang/language.hpp"
#include "neardup/lang/stop_words.hpp"

namespace neardup {
namespace {

constexpr const char* kGerman =
    "Die Bundesregierung hat am Mittwoch einen neuen Entwurf für das Heizungsgesetz "
    "beschlossen. Nach monatelangem Streit in der Koalition sollen Hausbesitzer mehr Zeit "
    "bekommen, ihre alten Öl- und Gasheizungen zu ersetzen. Die Opposition kritisierte das "
    "Vorhaben als zu teuer und zu kompliziert für die Bürger.";
constexpr const char* kFrench =
    "Le gouvernement a présenté mercredi un nouveau projet de loi sur le logement. Après des "
    "mois de débats, les propriétaires auront plus de temps pour remplacer leurs vieilles "
    "chaudières. L'opposition a jugé le texte trop coûteux et trop compliqué pour les "
    "citoyens.";
constexpr const char* kEnglishText =
    "The government approved a new draft of the heating law on Wednesday. After months of "
    "arguing in the coalition, home owners will have more time to replace their old oil and "
    "gas boilers. The opposition called the plan too expensive and too complicated for "
    "citizens.";

}  // namespace

TEST_SUITE("lang") {
    TEST_CASE("language codes: the primary subtag, lowercase, old codes renamed, und is none") {
        CHECK(language_name(language_code("en-US")) == "en");
        CHECK(language_name(language_code("pt_BR")) == "pt");
        CHECK(language_name(language_code("DE")) == "de");
        CHECK(language_name(language_code("zh-Hant-TW")) == "zh");
        CHECK(language_name(language_code("fil")) == "fil");
        CHECK(language_name(language_code("iw")) == "he");
        CHECK(language_code("und") == kUndetermined);
        CHECK(language_code("") == kUndetermined);
        CHECK(language_code("e") == kUndetermined);
        CHECK(language_code("e1") == kUndetermined);
        CHECK(language_code("english") == kUndetermined);
        CHECK(language_name(kUndetermined) == "und");
        CHECK(language_code("en") == kEnglish);
    }

    TEST_CASE("identification: CLD2 on the text, unreliable guesses are no language") {
        bool reliable = false;
        CHECK(language_name(identify_language(kGerman, reliable)) == "de");
        CHECK(reliable);
        CHECK(language_name(identify_language(kFrench, reliable)) == "fr");
        CHECK(language_name(language_of_text(kEnglishText)) == "en");
        CHECK(language_name(language_of_text(kGerman)) == "de");
        // what the record states wins; a page's declaration settles a text too short to tell
        CHECK(language_name(language_of_text(kGerman, language_code("fr"))) == "fr");
        CHECK(language_name(language_of_text("Zzyx qwv.", kUndetermined, language_code("it"))) ==
              "it");
        CHECK(language_of_text("Zzyx qwv.") == kUndetermined);
        // a page that declares German but is English is English
        CHECK(language_name(language_of_text(kEnglishText, kUndetermined, language_code("de"))) ==
              "en");
    }

    TEST_CASE("the English probe: a fifth of the first words are English stop words") {
        const StopWords& en = StopWords::english();
        CHECK(en.contains("the"));
        CHECK_FALSE(en.contains("government"));
        CHECK(en.kind_of_hash(hash64("nine")) == StopWords::kFigure);  // a figure, no stop word
        CHECK((en.kind_of_hash(hash64("march")) & StopWords::kStop) != 0);
        CHECK((en.kind_of_hash(hash64("march")) & StopWords::kFigure) != 0);
        EnglishProbe probe{5, 19};
        CHECK_FALSE(probe.says_english());  // too few words
        probe = {4, 20};
        CHECK(probe.says_english());
        probe = {3, 20};
        CHECK_FALSE(probe.says_english());
    }

    TEST_CASE("per-language rules: German capitals are no names, terms salted apart") {
        CHECK(names_by_capitals(kEnglish));
        CHECK(names_by_capitals(language_code("fr")));
        CHECK_FALSE(names_by_capitals(language_code("de")));
        CHECK(term_salt(kEnglish) == 0);  // the English background table keys plain hashes
        CHECK(term_salt(language_code("de")) != 0);
        CHECK(term_salt(language_code("de")) != term_salt(language_code("fr")));
    }
}

}  // namespace neardup
