"""Small-cell suppression (cells < 11) and complementary suppression."""

from openmsk.outcomes.suppression import suppress_counts


def _rows(*counts):
    return [{"n": c} for c in counts]


def test_cells_below_11_are_suppressed_and_11_is_shown():
    hidden = suppress_counts(_rows(10, 11, 30, 40), ["n"], {})
    assert "n" in hidden[0]
    assert "n" not in hidden[2] and "n" not in hidden[3]


def test_lone_suppressed_cell_pulls_in_the_next_smallest():
    # 5 alone could be recovered as total - 30 - 40 - 25, so 25 (next smallest) is hidden too.
    hidden = suppress_counts(_rows(30, 5, 40, 25), ["n"], {})
    assert [("n" in h) for h in hidden] == [False, True, False, True]


def test_two_suppressed_cells_need_no_complement():
    hidden = suppress_counts(_rows(3, 4, 40, 25), ["n"], {})
    assert [("n" in h) for h in hidden] == [True, True, False, False]


def test_no_suppression_when_every_cell_is_large():
    assert suppress_counts(_rows(11, 50), ["n"], {}) == [set(), set()]


def test_implied_columns_then_complement_in_the_implied_column():
    rows = [{"members": 8, "done": 20}, {"members": 50, "done": 30}, {"members": 60, "done": 40}]
    hidden = suppress_counts(rows, ["members", "done"], {"members": ["done"]})
    # members 8 hidden -> its 'done' hidden -> complement: members 50 and done 30 hidden too.
    assert hidden[0] == {"members", "done"}
    assert hidden[1] == {"members", "done"}
    assert hidden[2] == set()


def test_complement_of_a_share_is_treated_as_a_cell():
    rows = [{"responders": 15, "non_responders": 3}, {"responders": 40, "non_responders": 50},
            {"responders": 30, "non_responders": 60}]
    implies = {"responders": ["non_responders"], "non_responders": ["responders"]}
    hidden = suppress_counts(rows, ["responders", "non_responders"], implies)
    assert hidden[0] == {"responders", "non_responders"}
    # Complement in 'responders' is the next smallest (30), which implies its non-responders;
    # 'non_responders' then has two hidden cells, so row 1 stays fully shown.
    assert hidden[2] == {"responders", "non_responders"}
    assert hidden[1] == set()
