"""The notes' "pytorch" part (ModuleList/Sequential, repeat), claim by claim, settled against torch itself.

Each test is named by a claim of ``data/notes/claims.json`` (ids ``pt-...``). The notes' code sample is
copied here as written (it is short; one trailing space dropped), so these tests run without the notes
beside the project.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn

# the notes' code sample, as written (both classes are named testNet)
NOTES_SAMPLE = """
class testNet(nn.Module):
    def __init__(self):
        super(testNet, self).__init__()
        self.combine = nn.Sequential(
            nn.Linear(100,50),
            nn.Linear(50,25),
        )
    def forward(self, x):
        x = self.combine(x)
        return x

class testNet(nn.Module):
    def __init__(self):
        super(testNet, self).__init__()
        self.combine = nn.ModuleList()
        self.combine.append(nn.Linear(100,50))
        self.combine.append(nn.Linear(50,25))
    #重新定义forward()方法
    def forward(self, x):
        x = self.combine[0](x)
        x = self.combine[1](x)
        return x
"""
FIRST, SECOND = ("class testNet" + part for part in NOTES_SAMPLE.split("class testNet")[1:])


def _run(code: str) -> dict:
    namespace: dict = {"nn": nn}
    exec(code, namespace)  # the notes' own sample, fixed text
    return namespace


class _ListNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.combine = [nn.Linear(100, 50), nn.Linear(50, 25)]


class _ModuleListNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.combine = nn.ModuleList([nn.Linear(100, 50), nn.Linear(50, 25)])


def test_a_plain_list_hides_its_layers_from_torch():
    """pt-modulelist-registers: parameters(), state_dict() and an optimizer see a ModuleList's layers
    and none of a plain list's."""
    listed, registered = _ListNet(), _ModuleListNet()
    assert list(listed.parameters()) == [] and listed.state_dict() == {}
    assert len(list(registered.parameters())) == 4
    assert sorted(registered.state_dict()) == [
        "combine.0.bias",
        "combine.0.weight",
        "combine.1.bias",
        "combine.1.weight",
    ]
    with pytest.raises(ValueError, match="empty parameter list"):
        torch.optim.SGD(listed.parameters(), lr=0.1)
    optimizer = torch.optim.SGD(registered.parameters(), lr=0.1)
    assert sum(p.numel() for g in optimizer.param_groups for p in g["params"]) == 100 * 50 + 50 + 50 * 25 + 25
    # .to() and .eval() walk the registered children only
    listed.to(torch.float64).eval()
    assert listed.combine[0].weight.dtype == torch.float32 and listed.combine[0].training


def test_sequential_builds_a_broken_chain_and_fails_only_on_the_first_forward():
    """pt-sequential-chains: the layers must chain, and nothing checks it until data flows."""
    broken = nn.Sequential(nn.Linear(100, 50), nn.Linear(40, 25))  # built without a word
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x50 and 40x25\)"):
        broken(torch.zeros(2, 100))
    # the layers run in the order they were given: Sequential's forward is the loop over them
    chain = nn.Sequential(nn.Linear(100, 50), nn.ReLU(), nn.Linear(50, 25))
    x = torch.randn(3, 100, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(chain(x), chain[2](chain[1](chain[0](x))), rtol=0, atol=0)


def test_sequential_defines_forward_and_farward_is_a_typo():
    """pt-farward-typo: the method is forward; a module that defines only farward cannot be called."""
    assert "forward" in vars(nn.Sequential) and not hasattr(nn.Sequential, "farward")

    class Misspelt(nn.Module):
        def farward(self, x):
            return x

    with pytest.raises(NotImplementedError, match='missing the required "forward" function'):
        Misspelt()(torch.zeros(1))


def test_the_notes_two_versions_compute_the_same_and_collapse_into_one_linear():
    """pt-sample-equivalent: with the same weights the Sequential version and the ModuleList version
    give the same outputs (exactly), and the two Linear layers with nothing between them are one linear
    map W = W2 W1, b = W2 b1 + b2 (float64, 1e-12). Any initial weights will do: none is seeded."""
    sequential = _run(FIRST)["testNet"]().double()
    modulelist = _run(SECOND)["testNet"]().double()
    modulelist.load_state_dict(sequential.state_dict())  # the same keys: combine.0.*, combine.1.*
    x = torch.randn(16, 100, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    torch.testing.assert_close(sequential(x), modulelist(x), rtol=0, atol=0)
    first, second = sequential.combine
    merged = x @ (second.weight @ first.weight).T + (second.weight @ first.bias + second.bias)
    torch.testing.assert_close(sequential(x), merged, rtol=0, atol=1e-12)


def test_the_notes_code_run_as_one_file_keeps_only_its_second_class():
    """pt-sample-same-name: both classes are named testNet; run as one file, the second replaces the first
    (print(testNet()) shows a ModuleList), and the first, kept under another name, cannot even be built:
    its super(testNet, self) now names the second class."""
    namespace = _run(FIRST + "\nfirst = testNet\n" + SECOND)
    assert "(combine): ModuleList(" in repr(namespace["testNet"]())
    with pytest.raises(TypeError, match="obj must be an instance or subtype of type"):
        namespace["first"]()


def test_a_modulelist_is_ordered_and_its_layers_need_not_chain():
    """pt-modulelist-order: a ModuleList keeps insertion order (indexing, iteration, state_dict keys);
    what it does not require is that the layers fit one after the other."""
    layers = [nn.Linear(50, 25), nn.Linear(100, 50), nn.Linear(7, 3)]  # not a chain: built anyway
    holder = nn.ModuleList(layers)
    assert [m is layer for m, layer in zip(holder, layers, strict=True)] == [True] * 3
    assert holder[1] is layers[1]
    assert list(holder.state_dict())[::2] == ["0.weight", "1.weight", "2.weight"]
    holder.insert(0, nn.ReLU())
    assert isinstance(holder[0], nn.ReLU) and holder[1] is layers[0]


def test_calling_a_modulelist_raises_not_implemented():
    """pt-modulelist-no-forward: ModuleList inherits Module's forward, which raises."""
    assert "forward" not in vars(nn.ModuleList)
    with pytest.raises(
        NotImplementedError, match='Module \\[ModuleList\\] is missing the required "forward"'
    ):
        nn.ModuleList([nn.Linear(100, 50)])(torch.zeros(1, 100))


def test_repeat_interleave_repeats_elements_along_one_dim_and_flattens_without_one():
    """pt-repeat-interleave-elementwise: element by element on a 1-D tensor; without dim a 2-D input is
    flattened first; with dim=0 whole rows are repeated, with per-slice counts allowed."""
    x = torch.tensor([[1, 2, 3], [4, 5, 6]])
    assert torch.tensor([1, 2, 3]).repeat_interleave(2).tolist() == [1, 1, 2, 2, 3, 3]
    assert x.repeat_interleave(2).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]
    assert x.repeat_interleave(2, dim=0).tolist() == [[1, 2, 3], [1, 2, 3], [4, 5, 6], [4, 5, 6]]
    assert x.repeat_interleave(torch.tensor([1, 0, 2]), dim=1).tolist() == [[1, 3, 3], [4, 6, 6]]


def test_repeat_copies_the_whole_tensor_as_a_block():
    """pt-repeat-blocks: repeat copies the whole tensor block after block along each dimension, and needs
    at least one size per dimension."""
    x = torch.tensor([[1, 2, 3], [4, 5, 6]])
    assert torch.tensor([1, 2, 3]).repeat(2).tolist() == [1, 2, 3, 1, 2, 3]
    assert x.repeat(2, 1).tolist() == [[1, 2, 3], [4, 5, 6], [1, 2, 3], [4, 5, 6]]
    assert x.repeat(1, 2).tolist() == [[1, 2, 3, 1, 2, 3], [4, 5, 6, 4, 5, 6]]
    with pytest.raises(RuntimeError, match="can not be smaller than number of dimensions"):
        x.repeat(2)


@pytest.mark.parametrize("shape", [(2, 3, 4), (2, 3), (4,)])
def test_repeat_sizes_align_from_the_right_and_the_order_of_copies_cannot_be_seen(shape):
    """pt-repeat-order: repeat(a, b, c) puts c on the last dimension, b on the one before, a on the
    first (a new leading one when the input has fewer dimensions); copying along c first or along a first
    gives the same tensor."""
    a, b, c = 2, 3, 2
    x = torch.arange(torch.Size(shape).numel()).reshape(shape)
    got = x.repeat(a, b, c)
    padded = x.reshape((1,) * (3 - x.dim()) + shape)
    assert got.shape == (a * padded.shape[0], b * padded.shape[1], c * padded.shape[2])
    low_first = padded.repeat(1, 1, c).repeat(1, b, 1).repeat(a, 1, 1)  # c to a: "from low to high"
    high_first = padded.repeat(a, 1, 1).repeat(1, b, 1).repeat(1, 1, c)  # a to c
    assert torch.equal(got, low_first) and torch.equal(got, high_first)
    # the explicit rule: out[i, j, k] = x[i mod A, j mod B, k mod C]
    size = padded.shape
    idx = torch.cartesian_prod(*(torch.arange(n) for n in got.shape))
    expected = padded[idx[:, 0] % size[0], idx[:, 1] % size[1], idx[:, 2] % size[2]].reshape(got.shape)
    assert torch.equal(got, expected)
