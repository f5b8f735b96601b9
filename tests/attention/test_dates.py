"""The date task: every generated input parses back to its date (datetime.strptime, brute force)."""

import datetime as dt
import functools
import re

import pytest

from core.attention import (
    DATE_FORMATS,
    DATE_INPUT_CHARS,
    MAX_DATE_INPUT,
    DateTask,
    all_dates,
    chinese_number,
    is_heldout,
    normalize_text,
    ordinal,
    read_date,
)

# An independent reader: each template token -> a strptime directive; the Chinese numerals, ordinal
# suffixes and Chinese weekdays (which strptime cannot read) are rewritten first by this test's own code.
STRPTIME = {"Y": "%Y", "y": "%y", "m": "%m", "mm": "%m", "d": "%d", "dd": "%d", "do": "%d"}
STRPTIME |= {"b": "%b", "B": "%B", "a": "%a", "A": "%A", "zhY": "%Y", "zhm": "%m", "zhd": "%d"}
ZH_VALUE = {c: i for i, c in enumerate("〇一二三四五六七八九")}


def _zh_to_int(text: str) -> int:
    # 十 = 10, 十七 = 17, 二十 = 20, 三十一 = 31, 七 = 7
    if "十" not in text:
        return ZH_VALUE[text]
    tens, _, ones = text.partition("十")
    return (ZH_VALUE[tens] if tens else 1) * 10 + (ZH_VALUE[ones] if ones else 0)


def strptime_read(text: str, template: str) -> dt.date:
    weekday = None
    if "{zha}" in template:
        m = re.search(r"(?:星期|周)([一二三四五六日])", text)
        weekday = "一二三四五六日".index(m.group(1))
        text = text.replace(m.group(0), "")
        template = template.replace("星期{zha}", "").replace("周{zha}", "")
    if "{zhY}" in template:
        year, month, day = re.fullmatch(r"(.{4})年(.+)月(.+)日", text).groups()
        text = "".join(str(ZH_VALUE[c]) for c in year) + f"年{_zh_to_int(month)}月{_zh_to_int(day)}日"
    if "{do}" in template:
        text = re.sub(r"(\d)(st|nd|rd|th)", r"\1", text)
    date = dt.datetime.strptime(text, _strptime_pattern(template)).date()
    if weekday is not None:
        assert weekday == date.weekday(), text
    return date


@functools.cache
def _strptime_pattern(template: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda g: STRPTIME[g.group(1)], template)


@pytest.mark.slow
def test_every_generated_input_parses_back_and_no_string_means_two_dates():
    seen: dict[str, dt.date] = {}
    for fmt in DATE_FORMATS:
        for date in all_dates():
            text = fmt.render(date)
            assert strptime_read(text, fmt.template) == date, (fmt.template, text)
            key = normalize_text(text)
            # two formats may write the same string ("27 May 2026"), but never for two dates
            assert seen.setdefault(key, date) == date, (key, seen[key], date)


@pytest.mark.parametrize("fmt", DATE_FORMATS, ids=lambda f: f.template)
def test_read_date_reads_every_format(fmt):
    # every 89th date crosses all months, weekdays and both centuries
    for date in all_dates()[::89]:
        assert read_date(fmt.render(date)) == date
        assert read_date(fmt.render(date).upper()) == date  # the reader and the models ignore case


def test_examples_from_the_issue():
    for text in [
        "27 Nov 2026",
        "Friday, November 27, 2026",
        "2026年11月27日",
        "11/27/26",
        "二〇二六年十一月二十七日",
    ]:
        assert read_date(text) == dt.date(2026, 11, 27), text


@pytest.mark.parametrize(
    "text",
    ["", "hello", "Monday, November 27, 2026", "31 Feb 2026", "2026-13-01", "11/27/2026 extra", "1 Jan 1900"],
)
def test_read_date_returns_none_for_what_is_not_a_date_of_the_task(text):
    assert read_date(text) is None


def test_every_character_of_every_format_is_in_the_vocabulary():
    chars = set()
    longest = 0
    for fmt in DATE_FORMATS:
        for date in all_dates()[::29]:
            text = normalize_text(fmt.render(date))
            chars |= set(text)
            longest = max(longest, len(text))
    assert chars <= set(DATE_INPUT_CHARS), sorted(chars - set(DATE_INPUT_CHARS))
    assert longest <= MAX_DATE_INPUT


def test_heldout_split_is_a_fixed_tenth_of_the_dates_in_every_year():
    task = DateTask()
    assert not set(task.train_dates) & set(task.heldout_dates)
    assert len(task.train_dates) + len(task.heldout_dates) == len(all_dates()) == 36525
    assert 0.09 < len(task.heldout_dates) / len(all_dates()) < 0.11
    years = {d.year for d in task.heldout_dates}
    assert years == set(range(1969, 2069))
    examples = task.heldout_examples()
    assert [e.target for e in examples] == [d.isoformat() for d in task.heldout_dates]
    assert examples == DateTask().heldout_examples()  # fixed
    assert all(is_heldout(dt.date.fromisoformat(e.target)) for e in examples)


def test_training_samples_never_use_a_heldout_date():
    import numpy as np

    task = DateTask()
    examples = task.sample(np.random.default_rng(0), 5000)
    assert not any(is_heldout(dt.date.fromisoformat(e.target)) for e in examples)
    assert all(read_date(e.source) == dt.date.fromisoformat(e.target) for e in examples)


def test_number_words():
    assert [chinese_number(n) for n in (1, 10, 11, 17, 20, 21, 30, 31)] == [
        "一",
        "十",
        "十一",
        "十七",
        "二十",
        "二十一",
        "三十",
        "三十一",
    ]
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31)] == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
        "23rd",
        "31st",
    ]
    with pytest.raises(ValueError, match=r"covers 1\.\.31"):
        chinese_number(0)
