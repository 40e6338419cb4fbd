"""The Splink model on a small synthetic population with a known truth (trained here, without
labels), and the shipped model."""

import importlib.util

import pytest

from victimjourney.linkage import evaluation, splinkmodel
from victimjourney.linkage.services import (
    DEFAULT_THRESHOLD,
    default_frequencies,
    default_settings,
)
from victimjourney.linkage.synthetic import RATES, population


@pytest.fixture(scope="module")
def population_small():
    return list(population(6000, seed=3))


@pytest.fixture(scope="module")
def trained(population_small):
    table = evaluation.synthetic_table(population_small)
    return splinkmodel.train(table), table


def test_trained_without_labels_it_links_with_precision_and_recall_at_least_0_97(
        population_small, trained):
    model, table = trained
    pairs = splinkmodel.predict(model, table, threshold_weight=splinkmodel.weight(0.01))
    result = evaluation.measure(population_small, pairs, threshold=DEFAULT_THRESHOLD)
    assert result.precision >= 0.97
    assert result.recall >= 0.97
    assert "twin" not in result.false_positives
    # The curve: precision rises and recall falls as the threshold rises.
    recalls = [p.recall for p in result.curve]
    assert recalls == sorted(recalls, reverse=True)


def test_the_shipped_model_links_a_population_it_was_not_trained_on(population_small):
    table = evaluation.synthetic_table(population_small)
    pairs = splinkmodel.predict(default_settings(), table,
                                threshold_weight=splinkmodel.weight(DEFAULT_THRESHOLD))
    result = evaluation.measure(population_small, pairs, threshold=DEFAULT_THRESHOLD)
    assert (result.precision >= 0.97, result.recall >= 0.97) == (True, True)


def test_the_population_has_the_hard_cases_it_promises(population_small):
    relations = {v.relation for v in population_small}
    variations = {note for v in population_small for note in v.variation}
    assert relations == {"", "twin", "namesake", "relative"}
    assert {"nickname", "married", "moved", "first_typo", "surname_typo", "dob_typo",
            "dob_missing", "new_phone"} <= variations
    assert set(RATES) >= {"twin", "namesake", "marriage", "move"}


def test_the_population_is_the_same_for_a_seed():
    assert list(population(50, seed=9)) == list(population(50, seed=9))
    assert list(population(50, seed=9)) != list(population(50, seed=10))


def test_different_first_names_outweigh_every_other_agreement():
    """Twins: everything else may agree, even a rare surname at its strongest."""
    model, log2 = default_settings(), splinkmodel.math.log2
    first = next(c for c in model["comparisons"] if c["output_column_name"] == "first_name")
    different = first["comparison_levels"][-1]
    assert (different["label_for_charts"], different["m_probability"]) == (
        "different first names", splinkmodel.DIFFERENT_FIRST_NAMES_M)
    best = 0.0
    for c in model["comparisons"]:
        if c["output_column_name"] == "first_name":
            continue
        levels = [lv for lv in c["comparison_levels"] if not lv.get("is_null_level")]
        best += max(log2(lv["m_probability"] / lv["u_probability"]) for lv in levels)
        if c["output_column_name"] == "surname":  # the rarest surname's adjustment
            best += log2(levels[0]["u_probability"] / default_frequencies()["_floor"])
    prior = model["probability_two_random_records_match"]
    total = log2(prior / (1 - prior)) + best + log2(different["m_probability"]
                                                    / different["u_probability"])
    assert total < splinkmodel.weight(DEFAULT_THRESHOLD) - 20


def test_an_explanation_names_each_field_and_its_weight():
    model = default_settings()
    gammas = {"first_name": 4, "surname": 0, "dob": 4, "address": -1, "phone": 1, "email": 0}
    weights = {"first_name": 6.0, "surname": -5.2, "dob": 14.2, "address": 0.0, "phone": 15.7,
               "email": -2.7}
    explained = splinkmodel.explain(model, gammas, weights)
    assert [(e["field"], e["level"], e["agreement"], e["weight"]) for e in explained] == [
        ("first_name", "first names that are variants of one name (e.g. Bob, Robert)",
         "partly agrees", 6.0),
        ("surname", "different surnames (perhaps a name taken on marriage)", "differs", -5.2),
        ("dob", "the same date of birth", "agrees", 14.2),
        ("address", "not recorded on both", "missing", 0.0),
        ("phone", "the same phone number", "agrees", 15.7),
        ("email", "different email addresses", "differs", -2.7),
    ]


def test_shipped_frequencies_cover_the_names():
    frequencies = default_frequencies()
    assert frequencies["_floor"] == 1e-05
    assert frequencies["surname"]["smith"] > frequencies["surname"]["oakworth"]


def test_a_model_trained_on_one_engine_runs_on_another_with_its_weights():
    model = default_settings()  # trained on DuckDB
    assert splinkmodel.for_dialect(model, "duckdb") is model
    spark = splinkmodel.for_dialect(model, "spark")
    assert spark["sql_dialect"] == "spark"
    first_name = spark["comparisons"][0]["comparison_levels"]
    assert first_name[1]["sql_condition"] == "`first_name_l` = `first_name_r`"
    assert "ARRAY_INTERSECT" in first_name[2]["sql_condition"]  # DuckDB's list_intersect
    learnt = lambda m: [(lv.get("m_probability"), lv.get("u_probability"),  # noqa: E731
                         lv.get("tf_adjustment_column"))
                        for c in m["comparisons"] for lv in c["comparison_levels"]]
    assert learnt(spark) == learnt(model)
    assert splinkmodel.for_dialect(spark, "duckdb")["comparisons"] == model["comparisons"]


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("pyspark") is None,
                    reason="pyspark is not installed (the Spark backend is optional)")
def test_the_spark_backend_predicts_as_duckdb_does(population_small):
    from pyspark.sql import SparkSession

    # Local mode talks to itself only: on the loopback interface, no web UI.
    spark = (SparkSession.builder.master("local[2]").appName("vj-linkage-test")
             .config("spark.sql.shuffle.partitions", "4")
             .config("spark.ui.enabled", "false")
             .config("spark.driver.bindAddress", "127.0.0.1")
             .config("spark.driver.host", "127.0.0.1").getOrCreate())
    victims = population_small[:1500]
    table = evaluation.synthetic_table(victims)
    model = default_settings()
    duck = splinkmodel.predict(model, table, threshold_weight=0.0)
    sparked = splinkmodel.predict(model, table, threshold_weight=0.0,
                                  api=splinkmodel.db_api("spark", spark=spark))
    pairs = lambda t: set(zip(t.column("unique_id_l").to_pylist(),  # noqa: E731
                              t.column("unique_id_r").to_pylist(), strict=True))
    assert len(pairs(duck)) > 100
    assert pairs(sparked) == pairs(duck)
