"""Messages that stay English for the CLI and can be shown in French on a page."""

import json
import pickle

from studio.messages import Text, text, translate

FRENCH = {
    "Sentry {sentry} has no on-part": "La sentinelle {sentry} n'a pas de partie « on »",
    "Cannot complete {item}: {reason}": "Impossible de terminer {item} : {reason}",
    "it is not active": "il n'est pas actif",
}


def french(template: str) -> str:
    return FRENCH.get(template, template)


def test_a_message_is_its_english_sentence_everywhere_a_str_goes():
    message = text("Sentry {sentry} has no on-part", sentry="s1")
    assert message == "Sentry s1 has no on-part"
    assert json.dumps({"m": message}) == '{"m": "Sentry s1 has no on-part"}'
    assert f"{message}!" == "Sentry s1 has no on-part!"


def test_a_message_is_translated_with_its_values_nested_messages_too():
    message = text("Cannot complete {item}: {reason}", item="Pay", reason=text("it is not active"))
    assert message.translate(french) == "Impossible de terminer Pay : il n'est pas actif"
    assert translate({"problems": [message, "plain"]}, french) == {
        "problems": ["Impossible de terminer Pay : il n'est pas actif", "plain"]
    }


def test_an_untranslated_or_broken_translation_falls_back_to_english():
    assert text("Unknown {x}", x=1).translate(french) == "Unknown 1"
    broken = Text("Sentry s1 has no on-part", "Sentry {sentry} has no on-part", {})
    assert broken.translate(french) == "Sentry s1 has no on-part"


def test_a_message_survives_pickling_with_its_template():
    message = pickle.loads(pickle.dumps(text("Sentry {sentry} has no on-part", sentry="{x}")))
    assert message == "Sentry {x} has no on-part"
    assert message.translate(french) == "La sentinelle {x} n'a pas de partie « on »"


def test_a_message_kept_in_a_database_comes_back_translatable():
    from studio.messages import restored, stored

    message = text("Cannot complete {item}: {reason}", item="Pay", reason=text("it is not active"))
    back = restored(json.loads(json.dumps(stored(message))))
    assert back == message
    assert back.translate(french) == "Impossible de terminer Pay : it is not active"
    assert restored(stored("plain words")) == "plain words"


def test_a_folder_taken_out_of_a_message_leaves_it_translatable():
    from studio.messages import without

    message = text("Sentry {sentry} has no on-part", sentry="/tmp/x/s1")
    cleaned = without(message, "/tmp/x/")
    assert cleaned == "Sentry s1 has no on-part"
    assert cleaned.translate(french) == "La sentinelle s1 n'a pas de partie « on »"
    assert without("in /tmp/x/a", "/tmp/x/") == "in a"
