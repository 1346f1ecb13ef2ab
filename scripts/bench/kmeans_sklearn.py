"""scikit-learn's KMeans on the benchmark's data, for `npm run bench:analysis -- kmeans`.

Usage: /usr/bin/python3 scripts/bench/kmeans_sklearn.py DATA.f64 N D K N_INIT MAX_ITER TOL REPEATS [ALGORITHM]

DATA.f64 holds N x D little-endian float64 values, row-major: the very rows the TypeScript
k-means ran on. Runs KMeans(algorithm=ALGORITHM, default "lloyd", init="k-means++") REPEATS times with
random_state 0, 1, ... (it cannot share our seed) and prints one JSON object: the wall and CPU
time of each fit, its iterations and inertia, the threads OpenMP and BLAS may use
(threadpoolctl), and the process's peak resident memory.
"""
import json
import resource
import sys
import time

import numpy as np
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_info


def main():
    path, n, d, k, n_init, max_iter, tol, repeats = sys.argv[1:9]
    algorithm = sys.argv[9] if len(sys.argv) > 9 else "lloyd"
    n, d, k, n_init, max_iter, repeats = int(n), int(d), int(k), int(n_init), int(max_iter), int(repeats)
    data = np.fromfile(path, dtype="<f8").reshape(n, d)
    fits = []
    KMeans(n_clusters=k, n_init=1, max_iter=2, algorithm=algorithm, random_state=0).fit(data[:1000])  # imports, caches
    for seed in range(repeats):
        model = KMeans(n_clusters=k, init="k-means++", n_init=n_init, max_iter=max_iter, tol=float(tol),
                       algorithm=algorithm, random_state=seed)
        wall, cpu = time.perf_counter(), time.process_time()
        model.fit(data)
        fits.append({
            "seconds": time.perf_counter() - wall,
            "cpuSeconds": time.process_time() - cpu,
            "iterations": int(model.n_iter_),
            "inertia": float(model.inertia_),
        })
    import sklearn
    print(json.dumps({
        "sklearn": sklearn.__version__,
        "threads": [{"api": p["user_api"], "library": p["internal_api"], "threads": p["num_threads"]}
                    for p in threadpool_info()],
        "fits": fits,
        "maxRssKiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }))


if __name__ == "__main__":
    main()
