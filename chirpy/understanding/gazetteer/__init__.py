"""Names that tell which topic the user talks about, where the knowledge linker misses (issue 13)."""

from chirpy.understanding.gazetteer.gazetteer import Gazetteer, TopicMention, gazetteer

__all__ = ["Gazetteer", "TopicMention", "gazetteer"]
