"""fork_map: results in order from forked children, their errors and warnings brought back."""

from __future__ import annotations

import os
import warnings

import pytest

from fazhi_analysis.parallel import fork_map


def _pid_and_square(x: int) -> tuple[int, int]:
    return os.getpid(), x * x


def _fails_on_three(x: int) -> int:
    if x == 3:
        raise KeyError(f"item {x}")
    return x


def _warns_on_two(x: int) -> int:
    if x == 2:
        warnings.warn(f"item {x} looks odd", UserWarning)
    return x


def test_results_keep_the_order_of_the_items_and_children_do_share_the_work() -> None:
    answers = fork_map(_pid_and_square, list(range(9)), processes=3)
    assert [square for _, square in answers] == [x * x for x in range(9)]
    assert len({pid for pid, _ in answers}) == 3
    assert answers[0][0] == os.getpid()


def test_an_error_in_a_child_is_raised_here() -> None:
    with pytest.raises(KeyError, match="item 3"):
        fork_map(_fails_on_three, list(range(6)), processes=3)  # 3 is a child's item


def test_a_warning_in_a_child_is_reissued_here_under_our_filters() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert fork_map(_warns_on_two, [0, 1, 2, 3], processes=2) == [0, 1, 2, 3]  # 2 is done here, index 2
        assert fork_map(_warns_on_two, [1, 2, 3, 4], processes=2) == [1, 2, 3, 4]  # 2 is a child's item
    assert [str(w.message) for w in caught] == ["item 2 looks odd", "item 2 looks odd"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UserWarning, match="looks odd"):
            fork_map(_warns_on_two, [1, 2], processes=2)


def test_one_process_is_a_plain_loop() -> None:
    assert {pid for pid, _ in fork_map(_pid_and_square, [1, 2, 3], processes=1)} == {os.getpid()}
    assert fork_map(_pid_and_square, [], processes=4) == []
