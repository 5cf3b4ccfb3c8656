"""Reporting periods (reports.periods), on plain data."""

from __future__ import annotations

import datetime as dt

import pytest

from reports.periods import month_end, month_number, parse_month, periods

JAN = month_number(dt.date(2027, 1, 1))


def test_a_period_closes_as_soon_as_every_group_counts_nobody_or_k():
    cells = {
        JAN: {"all": {1, 2}, "eng": {1, 2}},
        JAN + 1: {"all": {3}, "eng": {3}},  # three people by February: closes
        JAN + 2: {"all": {4, 5, 6}, "eng": {4}, "sales": {5, 6}},  # Eng has one: stays open
        JAN + 3: {"all": {7, 8}, "eng": {7, 8}, "sales": {9}},  # now both have three
    }
    result = periods(cells, last=JAN + 3, k=3)
    assert result.spans() == [(JAN, JAN + 1), (JAN + 2, JAN + 3)]
    assert result.aligned(None, None) and result.aligned(JAN + 2, None)
    assert result.aligned(None, JAN + 1)
    assert not result.aligned(JAN + 1, None)  # starts inside the first period
    assert not result.aligned(None, JAN + 2)  # ends inside the second


def test_months_left_open_at_the_end_join_the_period_before():
    cells = {JAN: {"all": {1, 2, 3}}, JAN + 1: {"all": {4}}}
    result = periods(cells, last=JAN + 5, k=3)
    assert result.spans() == [(JAN, JAN + 5)]
    assert result.aligned(None, None) and not result.aligned(None, JAN)


def test_fewer_than_k_people_over_the_whole_timeline_allows_only_the_whole_range():
    cells = {JAN + 2: {"all": {1, 2}}}
    result = periods(cells, last=JAN + 5, k=3)
    assert not result.closed
    assert result.aligned(None, None) and result.aligned(JAN, JAN + 5)
    # A range before any of it would, against the whole range, give the two people's figure.
    assert not result.aligned(None, JAN + 1)


def test_no_one_at_all_any_range_will_do():
    assert periods({}, last=JAN, k=5).aligned(JAN - 3, JAN - 2)


@pytest.mark.parametrize("text", ["2027-6", "2027-13", "2027-06-01", "June", ""])
def test_a_month_is_yyyy_mm(text):
    with pytest.raises(ValueError):
        parse_month(text)


def test_month_numbers_round_trip():
    june = parse_month("2027-06")
    assert month_end(june) == dt.date(2027, 6, 30)
    assert month_end(parse_month("2028-02")) == dt.date(2028, 2, 29)
