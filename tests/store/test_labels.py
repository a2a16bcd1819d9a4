"""Labels in the log, on both engines: written and read only through the store, one value per person per
turn, travelling with export / import, erased with their conversation, absent (not an error) in old logs."""

from __future__ import annotations

from chirpy.state import ConversationState
from chirpy.store import WHOLE_CONVERSATION, Label, StoredConversation, open_log

from .conftest import raw_sql
from .test_contract import _record


def _conversation(store, cid: str, turns: int = 3, user_id: str | None = None) -> None:
    for index in range(turns):
        state = ConversationState(conversation_id=cid, turn_index=index + 1, user_id=user_id)
        store.save_turn(_record(cid, index), state, channel="test")


def test_labels_are_stored_once_per_person_and_value_and_can_be_removed(log_location):
    with open_log(log_location) as store:
        _conversation(store, "c1")
        first, created = store.add_label(Label("c1", 1, "bot_error", "repetition", "ana"))
        assert created and first.id is not None and first.created_at
        again, created_again = store.add_label(Label("c1", 1, "bot_error", "repetition", "ana"))
        assert not created_again and again.id == first.id  # the same judgement twice is one label
        store.add_label(Label("c1", 1, "bot_error", "repetition", "ben"))  # another person: another label
        store.add_label(Label("c1", 2, "dissatisfaction", "clarification", "ana"))
        store.add_label(Label("c1", WHOLE_CONVERSATION, "reviewed", "complete", "ana"))
        labels = store.labels("c1")
        assert [(lb.turn_index, lb.value, lb.annotator) for lb in labels] == [
            (-1, "complete", "ana"), (1, "repetition", "ana"), (1, "repetition", "ben"), (2, "clarification", "ana")]
        assert labels[0].to_dict()["turn_index"] is None  # the API shows a whole-conversation label as null
        assert store.labelled_conversation_ids() == {"c1"} and store.labels("other") == []
        assert store.label(first.id) == first
        assert store.delete_label(first.id) and not store.delete_label(first.id)
        assert store.label(first.id) is None and len(store.labels()) == 3


def test_labels_travel_with_their_conversation_and_are_erased_with_it(log_location, tmp_path):
    with open_log(log_location) as store:
        _conversation(store, "c1", user_id="alice")
        _conversation(store, "c2", user_id="bob")
        store.add_label(Label("c1", 1, "bot_error", "hallucination", "ana"))
        store.add_label(Label("c2", 2, "dissatisfaction", "criticism", "ana"))
        exported = {c.row["id"]: c for c in store.iter_conversations()}
        assert [row["value"] for row in exported["c1"].labels] == ["hallucination"]
        assert store.forget(user_id="alice").labels == 1
        assert [lb.conversation_id for lb in store.labels()] == ["c2"]
    other = str(tmp_path / "copy.db")
    with open_log(other) as copy:
        assert copy.import_conversation(StoredConversation(exported["c1"].row, exported["c1"].turns,
                                                           exported["c1"].labels))
        (label,) = copy.labels()
        assert (label.conversation_id, label.turn_index, label.value, label.annotator) == ("c1", 1, "hallucination", "ana")


def test_a_log_from_before_labels_reads_as_having_none(log_location):
    with open_log(log_location) as store:
        _conversation(store, "c1")
    raw_sql(log_location, "drop table labels")
    raw_sql(log_location, "update meta set value = '2' where key = 'schema_version'")
    with open_log(log_location, read_only=True) as reader:  # a reader never migrates, and sees no labels
        assert reader.labels() == [] and reader.labelled_conversation_ids() == set()
        assert [c.labels for c in reader.iter_conversations()] == [[]]
    with open_log(log_location) as store:  # a writer adds the table
        assert store.add_label(Label("c1", 0, "bot_error", "unclear", "ana"))[1]
