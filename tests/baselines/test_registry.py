"""Baselines by declaration: the registry is one list of classes, each model declares its tasks and
feature sets, and the models follow scikit-learn's estimator contract (the checks of `check_estimator`
that apply to estimators over `SplitData`, plus SplitData versions of its fit checks)."""
from __future__ import annotations

import dataclasses
import importlib
import textwrap
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import estimator_checks as ec
from sklearn.utils.validation import check_is_fitted

from baselines import leaderboard, leaderboard_cli, registry
from baselines.registry import BASELINES, MODELS, REFERENCE, REGISTRY, make
from baselines.tasks import TASKS
from tests.helpers.synthetic import make_splits

SPLITS = make_splits(n_train=80, n_eval=30)

# The checks of scikit-learn's `check_estimator` that cannot apply: each fits or predicts on numpy arrays it
# generates, while a baseline reads named columns (features built from the frame, posters, texts, frame
# sequences) from `SplitData` splits. The rules the fit-time ones guard are checked below on SplitData
# instead (fit returns self and changes no parameter, fit is idempotent, a clone refits the same, learned
# attributes end in `_`, check_is_fitted).
NUMPY_INPUT = "fits or predicts on a numpy X; baselines take SplitData splits with named columns"
SKIPPED = {name: NUMPY_INPUT for name in (
    "check_complex_data", "check_dict_unchanged", "check_dont_overwrite_parameters", "check_dtype_object",
    "check_estimators_dtypes", "check_estimators_empty_data_messages", "check_estimators_fit_returns_self",
    "check_estimators_nan_inf", "check_estimators_overwrite_params", "check_estimators_pickle",
    "check_f_contiguous_array_estimator", "check_fit1d", "check_fit2d_1feature", "check_fit2d_1sample",
    "check_fit2d_predict1d", "check_fit_check_is_fitted", "check_fit_idempotent", "check_fit_score_takes_y",
    "check_methods_sample_order_invariance", "check_methods_subset_invariance", "check_n_features_in",
    "check_n_features_in_after_fitting", "check_pipeline_consistency", "check_positive_only_tag_during_fit",
    "check_readonly_memmap_input")}
SKIPPED.update({name: "sparse numpy input; no baseline takes a sparse matrix as its input" for name in (
    "check_estimator_sparse_array", "check_estimator_sparse_matrix", "check_estimator_sparse_tag")})
# What must pass on every model: the parameter contract (get_params/set_params, clone, repr, __init__ only
# stores its arguments, every parameter has a default) and NotFittedError before fit.
MUST_PASS = {"check_parameters_default_constructible", "check_no_attributes_set_in_init",
             "check_get_params_invariance", "check_set_params", "check_estimator_cloneable", "check_estimator_repr",
             "check_do_not_raise_errors_in_init_or_set_params", "check_estimators_unfitted", "check_mixin_order",
             "check_estimator_tags_renamed", "check_valid_tag_types"}
REGISTRY_OF = {m: t for t, models in REGISTRY.items() for m in models}  # a task each model runs on


@pytest.mark.parametrize("model", list(MODELS))
def test_every_model_passes_check_estimator_but_the_numpy_input_checks(model):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = ec.check_estimator(make(REGISTRY_OF[model], model), expected_failed_checks=SKIPPED, on_fail=None,
                                    on_skip=None)
    status = {r["check_name"]: r["status"] for r in report}
    assert {name for name, s in status.items() if s == "passed"} >= MUST_PASS
    assert not {name: s for name, s in status.items() if s not in ("passed", "xfail", "skipped")}


# (task, model, params): the tabular models and the linear/MLP ones, small enough to fit in seconds.
TABULAR = [("rating_class", "logreg", {}), ("rating_class", "lightgbm", {"n_trials": 2}),
           ("rating", "xgboost", {"n_trials": 2}), ("rating", "entity_mlp", {"epochs": 2}),
           ("rating_class", "tfidf_linear", {}), ("genres_frames", "meanpool_logreg", {})]


def _scores(est) -> np.ndarray:
    if est.task_.kind == "regression":
        return est.predict(SPLITS["test"])
    return est.predict_proba(SPLITS["test"])


@pytest.mark.parametrize(("task_name", "model", "params"), TABULAR, ids=[m for _, m, _ in TABULAR])
def test_tabular_models_follow_the_fit_rules_of_the_estimator_contract(task_name, model, params):
    est = make(task_name, model, seed=0, **params)
    before = est.get_params()
    with pytest.raises(NotFittedError):
        check_is_fitted(est)
    assert est.fit(SPLITS["train"], SPLITS["validation"], task=TASKS[task_name].bind(SPLITS["train"])) is est
    check_is_fitted(est)
    after = est.get_params()
    assert after.keys() == before.keys() and all(after[k] is before[k] for k in before)  # fit changes no param
    learned = set(vars(est)) - set(before)
    assert learned and all(k.endswith("_") for k in learned), sorted(learned)
    first = _scores(est)
    fresh = clone(est)
    assert not [k for k in vars(fresh) if k.endswith("_")]  # a clone is unfitted, with the same params
    assert fresh.get_params().keys() == before.keys()
    again = fresh.fit(SPLITS["train"], SPLITS["validation"], task=TASKS[task_name].bind(SPLITS["train"]))
    np.testing.assert_array_equal(_scores(again), first)  # refitting a clone is idempotent
    assert est.set_params(seed=1, budget_seconds=5.0) is est  # set_params reaches the typed config
    assert est.get_params()["seed"] == 1 and est.config.budget_seconds == 5.0


def test_the_task_is_bound_in_fit_not_patched_onto_the_model():
    """rating_trailer standardises on train: `fit(..., task=bound)` uses the bound constants, and the `task`
    parameter given at construction stays what it was."""
    bound = TASKS["rating_trailer"].bind(SPLITS["train"])
    assert bound.scale != 1.0
    est = make("rating_trailer", "mean")
    est.fit(SPLITS["train"], SPLITS["validation"], task=bound)
    assert est.task is TASKS["rating_trailer"] and est.task_ is bound
    assert est.mean_ == pytest.approx(float(np.mean(bound.y(SPLITS["train"]))))
    with pytest.raises(ValueError, match="does not handle multiclass"):
        make("rating", "mean").fit(SPLITS["train"], task=TASKS["rating_class"])
    with pytest.raises(ValueError, match="needs a task"):
        MODELS["mean"]().fit(SPLITS["train"])


@pytest.mark.parametrize("model", MODELS)
def test_config_is_read_only_and_names_set_params(model):
    """`model.config` is rebuilt from the parameters on every read: assigning to it raises, naming the way that works."""
    est = MODELS[model]()
    with pytest.raises(dataclasses.FrozenInstanceError, match=r"model\.set_params\(budget_seconds=\.\.\.\)"):
        est.config.budget_seconds = 5.0
    assert est.config.budget_seconds is None
    assert est.set_params(budget_seconds=5.0).config.budget_seconds == 5.0
    assert clone(est).config == est.config
    fresh = MODELS[model].Config()
    fresh.budget_seconds = 5.0  # a config built by hand is the caller's own
    assert fresh.budget_seconds == 5.0


def test_the_registry_is_derived_from_the_declarations():
    assert list(MODELS) == [cls.name for cls in BASELINES]
    for task, names in REGISTRY.items():
        assert list(names) == [cls.name for cls in BASELINES if task in cls.tasks]
        assert REFERENCE[task] == names[0] and MODELS[names[0]].reference
    for cls in BASELINES:
        assert all(TASKS[t].kind in cls.kinds for t in cls.tasks), cls.name


TOY = '''
"""`toy_median`: the training median of the target (a toy for docs/baselines.md)."""
import numpy as np

from baselines.base import Baseline


class Median(Baseline):
    name = "toy_median"
    tasks = ("rating", "rating_trailer")
    kinds = ("regression",)

    def _fit(self, train, val):
        self.median_ = float(np.median(self.task_.y(train)))

    def _scores(self, data):
        return np.full(len(data), self.median_)
'''


def test_a_new_baseline_is_one_file_and_one_list_entry(tmp_path, monkeypatch, capsys):
    (tmp_path / "toy_median.py").write_text(textwrap.dedent(TOY))  # the one new file
    monkeypatch.syspath_prepend(str(tmp_path))
    toy = importlib.import_module("toy_median")
    assert leaderboard_cli.main(["--dataset", str(tmp_path), "--out", str(tmp_path / "o"), "--models", "toy_median"]) == 2
    assert "unknown model toy_median" in capsys.readouterr().err
    monkeypatch.setattr(registry, "BASELINES", [*registry.BASELINES, toy.Median])  # the one list entry

    assert REGISTRY["rating"][-1] == "toy_median" and "toy_median" in REGISTRY["rating_trailer"]
    assert leaderboard_cli.main(["--dataset", str(tmp_path), "--out", str(tmp_path / "o"), "--models", "toy_median"]) == 2
    err = capsys.readouterr().err
    assert "unknown model" not in err and "not a built dataset" in err  # the name is a leaderboard choice
    result = leaderboard.run(make_splits(n_train=40, n_eval=20), tmp_path / "run", tasks=["rating"],
                             models=["mean", "toy_median"], n_boot=0)
    rows = {r["model"]: r for r in result["rows"]}
    assert rows.keys() == {"mean", "toy_median"} and rows["toy_median"]["error"] is None
    assert rows["toy_median"]["feature_set"] == "none" and np.isfinite(rows["toy_median"]["metrics"]["r2"]["value"])
    assert (tmp_path / "run" / "configs" / "rating__toy_median__none.json").is_file()


def test_the_one_list_is_entries_and_a_wrong_entry_is_one_sentence():
    assert registry.BASELINES == [registry.load(entry) for entry in registry.ENTRIES]
    assert len(set(registry.ENTRIES)) == len(registry.ENTRIES) == len(MODELS)
    with pytest.raises(ValueError, match="names no class"):
        registry.load("baselines.models.majority:Nope")
    with pytest.raises(ValueError, match="not a Baseline subclass"):
        registry.load("baselines.metrics:N_BOOT")
