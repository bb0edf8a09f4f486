#pragma once
// A probing set read from .npy files without ever holding a file whole: the activations (n x F)
// arrive by row blocks into the n x F matrix, the concepts (n x |C|, 0/1 or probabilities) by row
// blocks into sparse rows, so peak memory is the activations as doubles plus the concepts'
// nonzeros, not the files plus dense copies of both (a 50,000 x 1,000 concept file is 200 MB as
// float32 and 400 MB dense; its nonzeros at CLIP-Dissect's frequencies are about 4 MB).
// Design: docs/design.md#data-flow (data flow).
#include <filesystem>
#include <vector>

#include "neuroncert/core/probing_set.hpp"

namespace neuroncert::io {

/// Reads and validates (make_probing_set's checks); errors name the file ("activations",
/// "concepts") and the problem in one line.
probing_set read_probing_set(const std::filesystem::path& activations, const std::filesystem::path& concepts,
                             const probing_set_checks& checks = {});

/// The concepts of a .npy file (n x |C|, dense) or of a CSR directory as sparse rows (values
/// checked by make_probing_set). A CSR directory is what SciPy's csr_matrix holds, one .npy per
/// array (docs/sharded_inputs.md): indptr.npy (n + 1 integers), indices.npy (the nonzeros' concept
/// indices, row by row), data.npy (their values in [0,1]; absent when every nonzero is 1) and
/// shape.npy ([n, |C|]). Indices need not be sorted within a row; explicit zeros are dropped.
sparse_concepts read_sparse_concepts(const std::filesystem::path& concepts);

/// Row shards of the concepts, each a .npy file or a CSR directory with the same |C|, stacked in
/// order into one matrix.
sparse_concepts read_sparse_concepts(const std::vector<std::filesystem::path>& shards);

}  // namespace neuroncert::io
