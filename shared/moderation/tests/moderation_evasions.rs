//! Issue #22, point 6: the evasions a tester found, each a test, beside the innocent text that
//! looks like them.
//!
//! - Symbol stand-ins in a row (`a$$hole`, `@$$h0le`, `pu$$y`, `a$$`) read as letters inside a
//!   word, while `hi!!`, `$5`, `100%`, `c'mon!!!`, prices and emoticons stay as they are.
//! - Look-alike letters from other scripts and symbol blocks (`ƒuck`, Canadian syllabics
//!   `ᖴᑌᑕK`, Cherokee, small capitals, Armenian, Greek, Cyrillic) read through Unicode's
//!   confusables skeleton (UTS #39), while real Greek, Russian, Japanese or Arabic sentences
//!   never turn into profanity.

use chat_core::domain::policy::{Language, ModerationPolicy};
use chat_moderation::text::Skeleton;
use chat_moderation::{CompiledPolicy, Rule, Verdict, review};

/// A room with every profanity language on, at `level`, refusing what it catches.
fn room(level: &str) -> CompiledPolicy {
    let policy: ModerationPolicy = serde_json::from_value(serde_json::json!({
        "profanity": level,
        "languages": [Language::En, Language::Es, Language::Fr, Language::De, Language::Pt],
        "actions": {"profanity": "deny"}
    }))
    .unwrap();
    CompiledPolicy::new(policy)
}

/// Whether the room refuses the text for profanity (all capitals are refused as shouting too).
fn refused(room: &CompiledPolicy, text: &str) -> bool {
    matches!(
        review(room, text),
        Verdict::Deny {
            rule: Rule::Profanity | Rule::BorderlineProfanity
        }
    )
}

fn letters(text: &str) -> String {
    String::from_utf8(Skeleton::of(text).text).unwrap()
}

/// Every line the room lets through that it should refuse.
fn missed<'a>(room: &CompiledPolicy, lines: &[&'a str]) -> Vec<&'a str> {
    lines
        .iter()
        .copied()
        .filter(|l| !refused(room, l))
        .collect()
}

/// Every line the room refuses that it should let through.
fn caught<'a>(room: &CompiledPolicy, lines: &[&'a str]) -> Vec<&'a str> {
    lines.iter().copied().filter(|l| refused(room, l)).collect()
}

#[test]
fn symbol_stand_ins_in_a_row_read_as_letters() {
    let moderate = room("moderate");
    // Each of these passed before (the run of symbols broke the word).
    let found = [
        "you a$$hole",
        "@$$h0le",
        "what an @$$hole",
        "shut up a$$hole",
        "pu$$y",
        "kiss my a$$",
        "you're an a$$",
        "b!!tch please",
    ];
    assert_eq!(missed(&moderate, &found), [] as [&str; 0]);
    // Caught before, and still.
    let kept = [
        "$h!t",
        "$$h!t happens",
        "$h!!t",
        "sh!t",
        "you @ss",
        "a55hole",
    ];
    assert_eq!(missed(&moderate, &kept), [] as [&str; 0]);
    assert!(
        refused(&room("strict"), "a$$"),
        "strict rooms catch `ass` alone"
    );
    assert_eq!(letters("a$$hole"), "ashole");
    assert_eq!(letters("@$$h0le"), "ashole");
    let s = Skeleton::of("a$$hole");
    assert_eq!((s.letters[1].letter, s.letters[1].run), (b's', 2));
    assert!(s.letters[1].stand_in);
}

#[test]
fn symbols_that_are_not_letters_stay_as_they_are() {
    for (text, skeleton) in [
        ("hi!!", "hi"),
        ("hi!! how are you", "hihowareyou"),
        ("spoiler!", "spoiler"),
        ("spoilers!!!", "spoilers"),
        ("$5", ""),
        ("$$$ money", "money"),
        ("5 stars", "stars"),
        ("100%", ""),
        ("c'mon!!!", "cmon"),
        ("wait... what!?", "waitwhat"),
        ("$19.99 only", "only"),
        ("A$50", "a"),
        ("€5", ""),
        (":$", ""),
        ("<3", ""),
        ("@@", ""),
        ("@@ hey", "hey"),
        ("C++ rocks", "crocks"),
        ("yes!!!", "yes"),
        ("a!!", "a"),
        ("ok!! $$", "ok"),
    ] {
        assert_eq!(letters(text), skeleton, "{text}");
        let s = Skeleton::of(text);
        assert!(
            s.letters.iter().all(|l| !l.stand_in),
            "{text}: no stand-in in {:?}",
            s.letters
        );
    }
    let strict = room("strict");
    let innocent = [
        "hi!! how are you",
        "spoiler!",
        "$5 for a sub",
        "$$$ money money",
        "5 stars",
        "100% agree",
        "c'mon!!!",
        "gg!! <3",
        ":$ oops",
        "@@ anyone?",
        "class!! next",
        "pass!!",
        "bass$$",
        "it costs $$$ but it's worth it",
        "he said \"what?!\"",
        "A$50 or US$35",
    ];
    assert_eq!(caught(&strict, &innocent), [] as [&str; 0]);
}

#[test]
fn look_alike_letters_from_other_scripts_read_as_latin() {
    let moderate = room("moderate");
    // Each of these passed before (no look-alike table had them).
    let found = [
        "\u{192}uck off",                           // ƒuck: Latin small f with hook
        "\u{192}\u{57D}\u{441}k",                   // ƒսсk: ƒ, Armenian ս, Cyrillic с
        "\u{15B4}\u{144C}\u{1455}K",                // ᖴᑌᑕK: Canadian syllabics
        "\u{15B4}\u{144C}\u{1455}\u{13E6}",         // ᖴᑌᑕᏦ: with a Cherokee Ꮶ
        "\u{13DA}\u{13BB}\u{13A5}\u{13A2} happens", // ᏚᎻᎥᎢ: Cherokee
        "\u{A730}uck this",                         // ꜰuck: small capital F
        "\u{A731}\u{29C}\u{26A}\u{1D1B}",           // ꜱʜɪᴛ: small capitals
        "\u{1D04}\u{1D1C}\u{274}\u{1D1B}",          // ᴄᴜɴᴛ: small capitals
        "you p\u{57D}\u{455}\u{455}y",              // pսѕѕy: Armenian ս, Cyrillic ѕ
        "\u{455}\u{570}it happens",                 // ѕհit: Cyrillic ѕ, Armenian հ
    ];
    assert_eq!(missed(&moderate, &found), [] as [&str; 0]);
    // Caught before (by compatibility decomposition or the old hand-written table), and still.
    let kept = [
        "\u{2131}uck",                           // ℱuck: script capital F
        "\u{24BB}\u{24E4}\u{24D2}\u{24DA}",      // Ⓕⓤⓒⓚ: circled letters
        "\u{1D5BF}\u{1D5CE}\u{1D5BC}\u{1D5C4}",  // 𝖿𝗎𝖼𝗄: mathematical sans-serif
        "\u{392}\u{399}\u{3A4}\u{3F9}\u{397}",   // ΒΙΤϹΗ: Greek capitals
        "\u{3B2}\u{3B9}\u{3C4}\u{3F2}h please",  // βιτϲh: Greek small letters
        "\u{405}\u{41D}\u{406}\u{422}",          // ЅНІТ: Cyrillic capitals
        "\u{3C9}hore",                           // ωhore: Greek omega
        "f\u{57D}ck",                            // fսck: Armenian ս
        "\u{430}\u{455}\u{455}h\u{43E}l\u{435}", // аѕѕhоlе: Cyrillic
    ];
    assert_eq!(missed(&moderate, &kept), [] as [&str; 0]);
    assert_eq!(letters("\u{192}uck"), "fuck");
    assert_eq!(letters("\u{13DA}\u{13BB}\u{13A5}\u{13A2}"), "shit");
}

#[test]
fn real_text_in_other_scripts_is_not_profanity() {
    let strict = room("strict");
    let sentences = [
        // Greek
        "Καλημέρα σε όλους, τι κάνετε σήμερα; Ο καιρός είναι υπέροχος.",
        "Ευχαριστώ πολύ για το υπέροχο stream, τα λέμε αύριο!",
        "ΚΑΛΗΣΠΕΡΑ ΣΑΣ, ΠΟΛΥ ΩΡΑΙΟ ΠΑΙΧΝΙΔΙ",
        "Η ομάδα μας κέρδισε χθες το βράδυ στο γήπεδο",
        // Russian and Ukrainian
        "Привет всем, как дела? Сегодня отличная погода, пойдём гулять.",
        "Съешь же ещё этих мягких французских булок, да выпей чаю",
        "СПАСИБО ЗА СТРИМ, ОЧЕНЬ КРУТО ПОЛУЧИЛОСЬ",
        "Мой кот спит на окне, а собака бегает во дворе",
        "Хороший выстрел! Такой сейчас сложный босс",
        "Доброго вечора, ми з України! Дякую за трансляцію",
        // Japanese, Chinese, Korean
        "今日はとても良い天気ですね。ゲームを楽しんでください！",
        "カタカナ テスト エロ ハヘ ロト ニ",
        "这个游戏太好玩了，主播加油！",
        "안녕하세요 여러분, 오늘 방송 재미있었어요",
        // Arabic, Hebrew, Armenian, Georgian, Hindi, Thai
        "مرحبا بالجميع، كيف حالكم اليوم؟ الجو جميل جدا",
        "شكرا جزيلا على البث الرائع",
        "שלום לכולם מה שלומכם היום",
        "Բարև ձեզ, ինչպես եք այսօր",
        "გამარჯობა ყველას, როგორ ხართ",
        "नमस्ते सभी को, आज का स्ट्रीम बहुत अच्छा था",
        "สวัสดีทุกคน วันนี้สนุกมาก",
    ];
    assert_eq!(caught(&strict, &sentences), [] as [&str; 0]);
}
