"""The lexical tokenizer keeps UN symbols, resolution numbers and dates whole."""
from __future__ import annotations

from unqa.index.lexical import LexicalIndex, Tokenizer

TOK = Tokenizer("jieba")


def test_symbols_resolutions_and_dates_are_whole_tokens():
    tokens = TOK("外空协调会议（A/AC.105/1209，第 43 段）回顾大会第 76/3 号决议，2021 年 12 月 14 日在线举行")
    assert "a/ac.105/1209" in tokens and "76/3" in tokens
    assert "2021-12-14" in tokens and "2021-12" in tokens and "2021" in tokens
    en = TOK("Resolution 76/3 was adopted on 25 October 2021 (A/RES/76/3); see A/AC.105/L.327.")
    assert {"76/3", "2021-10-25", "a/res/76/3", "a/ac.105/l.327"} <= set(en)
    # the same date written in Chinese and English gives the same token
    assert "2021-10-25" in TOK("2021 年 10 月 25 日")


def test_numbers_and_latin_words():
    tokens = TOK("共有 1,181 人（其中 39%是妇女）登记，COVID-19 大流行")
    assert "1181" in tokens and "covid-19" in tokens and "妇女" in tokens


def test_chinese_question_never_scores_everything_zero(corpus_docs):
    texts = [r.text for d in corpus_docs.values() for r in d.records]
    index = LexicalIndex.build(texts, TOK)
    # words no report contains still match on their characters
    for question in ("今天北京的天气怎么样？", "谁赢得了比赛", "会"):
        assert index.scores(question).max() > 0, question


def test_postings_give_the_scores_bm25s_gives(corpus_docs):
    """Scores read from the postings (how search works, so a million records stay fast) are
    bm25s's own scores for the same words."""
    texts = [r.text for d in corpus_docs.values() for r in d.records]
    index = LexicalIndex.build(texts, TOK)
    for question in ("空间碎片减缓准则", "外空协调会议第四十届会议由谁主持？", "A/AC.105/1209 2021 年"):
        tokens, postings = index.postings(question)
        assert tokens and len(tokens) == len(postings)
        ids = [index.bm25.vocab_dict[t] for t in tokens]
        expected = index.bm25.get_scores_from_ids(ids)
        assert abs(index.scores(question) - expected).max() < 1e-5, question
        assert expected.max() > 0
    assert index.postings("zzzz qqqq") == ([], [])
