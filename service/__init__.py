"""service: the HTTP API and web page that answer questions with paragraph citations."""
from unqa.index import question_language

from .answering import Answer, Answerer
from .app import create_app

__all__ = ["Answer", "Answerer", "create_app", "question_language"]
