"""Known answers for the recursive update: RLS identity, Woodbury, derivatives, guards, sign."""

from __future__ import annotations

import numpy as np
import pytest

from agentzoo.systems.rdirl.cost import HEADS, CostNet
from agentzoo.systems.rdirl.recursive import RDIRL, Curvature, RecursiveNewton, clip_eigenvalues


def _net(hidden: tuple[int, ...] = (16, 16), head: str = "sigmoid", d: int = 4, seed: int = 0) -> CostNet:
    return CostNet(d, hidden, head, 5.0, np.zeros(d), np.ones(d), np.random.default_rng(seed))


def _ridge(A_list, b_list, theta0, p0):
    n = theta0.size
    lhs = np.eye(n) / p0 + sum(A.T @ A for A in A_list)
    rhs = theta0 / p0 + sum(A.T @ b for A, b in zip(A_list, b_list))
    return np.linalg.solve(lhs, rhs)


@pytest.mark.parametrize("form", ["dense", "woodbury"])
def test_one_pass_equals_batch_ridge(form):
    """Q = 0, l_t = 1/2 ||A_t theta - b_t||^2, exact curvature: the recursion is RLS."""
    rng = np.random.default_rng(1)
    n, p0 = 12, 0.5
    theta0 = rng.normal(size=n)
    filt = RecursiveNewton(theta0.copy(), p0, 0.0)
    A_list, b_list = [], []
    for _ in range(40):
        A = rng.normal(size=(2, n))
        b = rng.normal(size=2)
        A_list.append(A)
        b_list.append(b)
        g = A.T @ (A @ filt.theta - b)  # gradient at theta_{t-1}
        filt.update(g, Curvature(H=A.T @ A) if form == "dense" else Curvature(U=A.T))
    np.testing.assert_allclose(filt.theta, _ridge(A_list, b_list, theta0, p0), atol=1e-9)


def test_rdirl_step_is_the_closed_form_newton_step():
    """c(s) = sigmoid(theta^T [s, 1]): one RDIRL step equals the dense information-form formula."""
    rng = np.random.default_rng(2)
    net = CostNet(6, (), "sigmoid", 1.0, np.zeros(6), np.ones(6), rng)
    theta0 = net.theta.copy()
    method = RDIRL(net, N=10, p0=0.3, q=0.05)
    s_e, s_l = rng.normal(size=6), rng.normal(size=6)
    g_d, g_s = net.grad(s_e) / 10, net.grad(s_l) / 10
    P_pred = (0.3 + 0.05) * np.eye(net.n)
    P_new = np.linalg.inv(np.linalg.inv(P_pred) + np.outer(g_d, g_d) + np.outer(g_s, g_s))
    method.observe(s_e, s_l)
    np.testing.assert_allclose(method.filter.P, P_new, atol=1e-12)
    np.testing.assert_allclose(net.theta, theta0 - P_new @ (g_d - g_s), atol=1e-12)


def test_woodbury_rank2_equals_dense_inverse():
    rng = np.random.default_rng(3)
    n = 369
    B = rng.normal(size=(n, n)) / np.sqrt(n)
    P = B @ B.T + 0.1 * np.eye(n)
    U = rng.normal(size=(n, 2))
    dense = RecursiveNewton(np.zeros(n), 1.0, 1e-3)
    low = RecursiveNewton(np.zeros(n), 1.0, 1e-3)
    dense.P_blocks[0], low.P_blocks[0] = P.copy(), P.copy()
    g = rng.normal(size=n)
    dense.update(g, Curvature(H=U @ U.T))
    low.update(g, Curvature(U=U))
    rel = np.linalg.norm(low.P - dense.P) / np.linalg.norm(dense.P)
    assert rel < 1e-10
    np.testing.assert_allclose(low.theta, dense.theta, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("head", HEADS)
def test_gradient_matches_torch_and_finite_differences(head):
    torch = pytest.importorskip("torch")
    net = _net(head=head)
    if head != "sigmoid":  # keep z^2 inside the clip so the function is smooth at the test point
        net.theta *= 0.3
    s = np.array([0.3, -0.2, 0.5, 0.1])
    g = net.grad(s)
    theta = torch.tensor(net.theta, requires_grad=True)
    net.torch_cost(theta, torch.tensor(s[None])).sum().backward()
    np.testing.assert_allclose(g, theta.grad.numpy(), atol=1e-12)
    eps = 1e-6
    fd = np.empty(net.n)
    for i in range(net.n):
        e = np.zeros(net.n)
        e[i] = eps
        fd[i] = (net.cost(s[None], net.theta + e)[0] - net.cost(s[None], net.theta - e)[0]) / (2 * eps)
    np.testing.assert_allclose(g, fd, atol=1e-6)


def test_hessian_matches_finite_differences_of_the_gradient():
    pytest.importorskip("torch")
    net = _net(hidden=(5,), seed=4)
    s = np.array([0.4, 0.1, -0.3, 0.2])
    H = net.hessian(s)
    eps = 1e-6
    theta = net.theta.copy()
    fd = np.empty((net.n, net.n))
    for i in range(net.n):
        net.theta = theta.copy()
        net.theta[i] += eps
        up = net.grad(s)
        net.theta[i] -= 2 * eps
        fd[:, i] = (up - net.grad(s)) / (2 * eps)
    net.theta = theta
    np.testing.assert_allclose(H, fd, atol=1e-6)
    np.testing.assert_allclose(H, H.T, atol=1e-12)


def _indefinite_method(guard: bool) -> RDIRL:
    net = _net(hidden=(4, 4), seed=5)
    return RDIRL(net, N=1e-4, curvature="full", p0=1e-2, q=0.0, guard=guard)  # tiny N: strong (H_d - H_s)/N


def test_full_curvature_without_guard_loses_positive_definiteness():
    method = _indefinite_method(guard=False)
    s_e, s_l = np.array([0.5, -1.0, 0.3, 0.8]), np.array([-0.7, 0.9, 1.1, -0.4])
    H = (method.net.hessian(s_e) - method.net.hessian(s_l)) / method.N
    assert np.linalg.eigvalsh(H)[0] < -1.0 / 1e-2  # strongly indefinite by construction
    method.observe(s_e, s_l)
    assert method.filter.n_non_pd == 1
    assert np.linalg.eigvalsh(method.filter.P)[0] < 0  # detected, and really not PD


def test_guard_keeps_P_positive_definite_and_counts_the_step():
    method = _indefinite_method(guard=True)
    method.observe(np.array([0.5, -1.0, 0.3, 0.8]), np.array([-0.7, 0.9, 1.1, -0.4]))
    assert method.stats()["n_indefinite_steps"] == 1
    np.linalg.cholesky(method.filter.P)  # raises if P is not PD


@pytest.mark.parametrize(("curvature", "structure"), [("gauss_newton", "full"), ("gauss_newton", "block"),
                                                      ("diag", "diag")])
def test_safe_curvature_keeps_P_symmetric_pd_over_10k_updates(curvature, structure):
    rng = np.random.default_rng(6)
    net = _net(hidden=(6, 6), seed=6)
    method = RDIRL(net, N=50, curvature=curvature, cov_structure=structure, p0=1e-2, q=1e-4)
    states = rng.normal(size=(10_000, 2, 4)) * rng.uniform(0.1, 3.0, size=(10_000, 1, 1))
    for s_e, s_l in states:
        method.observe(s_e, s_l)
    P = method.filter.P
    assert np.isfinite(P).all() and np.isfinite(net.theta).all()
    np.testing.assert_array_equal(P, P.T)
    assert np.linalg.eigvalsh(P)[0] > 0
    assert method.stats()["n_indefinite_steps"] == 0


@pytest.mark.parametrize("mode", ["clip", "abs", "guarded"])
def test_dense_safe_curvatures_keep_P_symmetric_pd_over_10k_updates(mode):
    """clip / abs (eigenvalue-clipped H) and the guarded indefinite H, on the dense code path
    RDIRL's ``full``/``clip``/``abs``/``fisher_diff`` curvatures take, with random strongly
    indefinite H_t (eigenvalues up to +-30 against a prior information of ~100)."""
    rng = np.random.default_rng(8)
    n = 19
    filt = RecursiveNewton(rng.normal(size=n), 1e-2, 1e-4, guard=True)
    for _ in range(10_000):
        B = rng.normal(size=(n, n))
        H = 3.0 * (B + B.T)
        assert np.linalg.eigvalsh(H)[0] < 0
        filt.update(1e-3 * rng.normal(size=n), Curvature(H=H if mode == "guarded" else clip_eigenvalues(H, mode)))
    P = filt.P
    assert np.isfinite(P).all() and np.isfinite(filt.theta).all()
    np.testing.assert_array_equal(P, P.T)
    assert np.linalg.eigvalsh(P)[0] > 0
    assert filt.n_non_pd == 0
    if mode == "guarded":
        assert filt.n_indefinite_steps > 0  # the guard did fire, and P stayed PD
    else:
        assert filt.n_indefinite_steps == 0


def test_one_update_raises_the_cost_of_sampler_states_relative_to_expert_states():
    """1-D toy c_theta(x) = theta x^2, expert at x = 0, sampler at x = 1."""
    theta0 = np.array([0.2])
    filt = RecursiveNewton(theta0.copy(), 0.5, 0.0)
    phi = lambda x: np.array([x**2])  # noqa: E731  (grad_theta c = x^2)
    N = 10.0
    g_d, g_s = phi(0.0) / N, phi(1.0) / N
    filt.update(g_d - g_s, Curvature(U=np.stack([g_d, g_s], axis=1)))
    assert filt.theta[0] * 1.0 - filt.theta[0] * 0.0 > theta0[0] * 1.0  # c(1) - c(0) went up
    # the same with a neural cost net: c at the sampler state rises relative to the expert state
    net = _net(seed=7)
    method = RDIRL(net, N=1, p0=1.0, q=0.0)
    s_e, s_l = np.zeros(4), np.ones(4)
    gap = net.cost(s_l[None])[0] - net.cost(s_e[None])[0]
    method.observe(s_e, s_l)
    assert net.cost(s_l[None])[0] - net.cost(s_e[None])[0] > gap
    assert (method.state_reward(np.stack([s_e, s_l])) == -net.cost(np.stack([s_e, s_l]))).all()
