"""The bundled Chinese reports parse into exactly their official paragraphs."""
from __future__ import annotations

import json
import re
import subprocess
import sys

from conftest import CORPUS, ROOT

FURNITURE = re.compile(r"V\.\d{2}-\d{5}|https?://|undocs\.org|_{5,}|^\d+/\d+$", re.M)
CJK_SPACE = re.compile(r"[\u4e00-\u9fff] [\u4e00-\u9fff]")


def test_paragraph_counts_and_order(corpus_docs):
    for doc_id, count in (("a-ac-105-1235", 56), ("iam-40-report", 25)):
        numbers = [r.paragraph for r in corpus_docs[doc_id].paragraphs()]
        assert numbers == list(range(1, count + 1)), doc_id


def test_first_and_last_paragraphs(wsf, iam):
    assert wsf[1].text == (
        "秘书处外层空间事务厅和阿拉伯联合酋长国航天局于 2020年 12月 9日和 10 日联合举办了主题为"
        "“空间造福我们的未来”的世界空间论坛，此次论坛采取了在线会议的形式。"
    )
    assert wsf[56].text == "奥地利宣布继续支持世界空间论坛，在与奥地利政府的合作下，该论坛将于 2021 年再次在维也纳举行。"
    assert iam[1].text == (
        "外层空间活动机构间会议（外空协调会议）自 1975 年以来一直发挥着空间相关活动机构间协调与合作"
        "方面的联络中心的作用，以便促进机构间协调与合作，防止联合国在利用空间应用方面工作重复。"
    )
    assert iam[25].text == "外空协调会议商定，其第四十一届会议将与该部长级会议同时举行，并将与主办实体合作最后确定会议议程和公开会议的主题。"


def test_paragraphs_continue_across_page_breaks(wsf):
    # page 1 -> 2: a hyperlink line, the running header and the job number sit mid-paragraph
    assert wsf[6].text == (
        "联合国力求通过世界空间论坛，利用创新解决方案和技术发展来实现可持续发展目标。人们越来越关注"
        "空间技术在这一努力中可发挥的独特潜力。2020 年论坛立足“外空会议+50”的成果，利用其产生的势头，"
        "旨在确保当前空间领域利益攸关方之间的对话充分反映空间探索国际合作的政治、法律和能力建设要素。"
    )
    assert "洪都拉斯、匈牙利、印度" in wsf[14].text and wsf[14].text.endswith("委内瑞拉玻利瓦尔共和国和津巴布韦。")
    assert "推进空间可持续性。此外，发言者呼吁分享业务案例研究" in wsf[42].text
    assert wsf[42].text.endswith("良好做法的重要来源。")


def test_paragraphs_on_both_sides_of_page_breaks_are_clean(wsf, iam):
    # the last paragraph of a page and the first of the next, for every page break
    for left, right, doc in ((22, 23, wsf), (31, 32, wsf), (51, 52, wsf), (4, 5, iam), (8, 9, iam),
                             (16, 17, iam), (21, 22, iam)):
        assert doc[left].text.endswith("。"), left
        assert not FURNITURE.search(doc[left].text) and not FURNITURE.search(doc[right].text)
    assert wsf[22].text.endswith("缺乏代表性。") and wsf[23].text.startswith("会议期间举行了主题为“空间造福地球”")
    assert iam[4].text.endswith("与会者名单载于本报告附件。") and iam[5].text.startswith("主席在开幕词中")
    assert iam[8].text.endswith("在 2030 年进行一次最终审查。")
    assert iam[21].text.endswith("以及“空间机会人人共享”（2019 年）。")


def test_no_page_furniture_anywhere(corpus_docs):
    for doc in corpus_docs.values():
        for r in doc.records:
            if r.kind != "footnote":
                assert not FURNITURE.search(r.text), (r.id, r.text)
            assert "A/AC.105/1235" not in r.text, r.id  # the running header never leaks in


def test_agenda_items_stay_inside_their_paragraph(iam):
    text = iam[6].text
    lines = text.split("\n")
    assert lines[0].endswith("因此通过了第四十届会议的以下议程：")
    assert [ln.split(".")[0] for ln in lines[1:]] == [str(i) for i in range(1, 10)]
    assert lines[5] == "5. 外空协调会议关于与空间相关的机构间合作举措和应用的特别报告。"
    assert lines[7] == "7. 协调共同关心开展合作的未来计划和方案，并就空间技术实际应用及相关领域的当前活动交换意见。（与会实体作专题介绍）"
    # the agenda's own "7." is not paragraph 7
    assert iam[7].text.startswith("主席在发言中介绍了“空间 2030”议程的最新情况。")


def test_lettered_items_inline(wsf):
    assert wsf[17].text.endswith("(a)空间造福人类；(b)空间造福地球；(c)空间促进经济；和(d)空间的可持续未来。")


def test_text_is_readable(corpus_docs, wsf, iam):
    for doc in corpus_docs.values():
        for r in doc.records:
            assert not CJK_SPACE.search(r.text), (r.id, r.text)
            assert "  " not in r.text
    assert wsf[20].text == "每场会议和所有专题介绍的录像可在外层空间事务厅网站（www.unoosa.org）上查阅。"
    assert "由于 2019冠状病毒病（COVID-19）大流行" in wsf[3].text
    assert "（见 A/AC.105/1219）" in wsf[5].text
    assert "共有 1,181 人（其中 39%是妇女）" in wsf[12].text
    assert "（A/76/20，第 274(a)段）" in iam[11].text


def test_sections_are_heading_paths(wsf, iam):
    assert wsf[1].section == ("一. 导言",)
    assert wsf[56].section == ("七. 结论",)
    assert iam[5].section == ("二. 议事情况摘要", "A. 会议开幕")
    # headings wrapped onto two lines are joined
    assert iam[9].section[1] == (
        "D. 秘书长关于联合国系统内空间相关活动协调情况的报告和外空协调会议关于与空间相关的机构间合作举措和应用的特别报告"
    )
    assert iam[20].section[1] == "F. 协调共同关心开展合作的未来计划和方案，并就空间技术实际应用及相关领域的当前活动交换意见"


def test_front_matter_footnote_and_annex(corpus_docs):
    wsf_front = [r for r in corpus_docs["a-ac-105-1235"].records if r.kind == "front_matter"]
    assert [r.text for r in wsf_front] == [
        "和平利用外层空间委员会\n"
        "主题为“空间造福我们的未来”的联合国/阿拉伯联合酋长国世界空间论坛的报告\n"
        "（2020 年 12 月 9 日和 10 日，在线举办）"
    ]
    records = corpus_docs["iam-40-report"].records
    kinds = [r.kind for r in records]
    assert kinds.count("front_matter") == 1 and kinds.count("footnote") == 1 and kinds.count("annex") == 1
    assert "text" not in kinds
    front = records[0]
    assert front.kind == "front_matter" and "临时议程*项目 13" in front.text and "第六十五届会议" in front.text
    note = next(r for r in records if r.kind == "footnote")
    assert (note.marker, note.text, note.paragraph) == ("*", "A/AC.105/L.327。", None)
    annex = next(r for r in records if r.kind == "annex")
    assert annex.section == ("附件", "外层空间活动机构间会议第四十届会议与会者名单")
    rows = annex.text.split("\n")
    assert rows[1] == "主席： N. Hedman（外层空间事务厅）"
    assert "《联合国关于在发生严重干旱和/或荒漠化的国家特别是在非洲防治荒漠化的公约》秘书处" in rows
    assert rows[-1] == "世界气象组织 H. Pohjola"
    assert records[-1] is annex  # the annex closes the document


def test_records_carry_manifest_metadata(corpus_docs):
    wsf = corpus_docs["a-ac-105-1235"]
    assert wsf.meta.symbol == "A/AC.105/1235" and wsf.meta.language == "zh"
    assert corpus_docs["iam-40-report"].meta.symbol is None
    for doc in corpus_docs.values():
        ids = [r.id for r in doc.records]
        assert len(ids) == len(set(ids))
        assert [r.order for r in doc.records] == list(range(len(doc.records)))
        for r in doc.records:
            assert (r.doc_id, r.symbol, r.title) == (doc.meta.doc_id, doc.meta.symbol, doc.meta.title)


def test_cli_writes_jsonl_and_summary(tmp_path):
    out = tmp_path / "paragraphs.jsonl"
    proc = subprocess.run(
        [sys.executable, "-m", "unqa.ingest", str(CORPUS), "--out", str(out)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 85
    assert {"doc_id", "symbol", "title", "language", "kind", "paragraph", "section", "text"} <= set(rows[0])
    p38 = next(r for r in rows if r["doc_id"] == "a-ac-105-1235" and r["paragraph"] == 38)
    assert p38["text"].startswith("与会者还承认，减缓空间碎片的唯一方法")
    assert "a-ac-105-1235" in proc.stderr and "85 records written" in proc.stderr
