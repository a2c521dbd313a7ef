//! `make bench` part 2 (bench/README.md, issue #6 item 6): the assignments matrix with 3,000
//! accounts × 500 principals in the real webview — first render ≤ 300 ms, scrolling with no
//! frame over 50 ms.
//!
//! Ignored by `make test`; run it with `bench/matrix.sh` (or `tests/with-peers.sh cargo test
//! -p gatehouse-tests --test bench_matrix -- --ignored --nocapture`). It launches the built
//! app under Xvfb through tauri-driver (no AWS, no connection), points the webview at the
//! benchmark page built into ui/dist (`bench/matrix.html`, ui/src/bench/matrixBench.tsx: the
//! real MatrixView on a synthetic snapshot, no IPC) `BENCH_RUNS` times (default 3), waits for
//! `window.__gatehouseBench` each time, prints a table of the best rounds (as part 1 judges)
//! and every round, and writes target/bench/matrix.json. Screenshots of the rendered matrix
//! go to target/test-artifacts/bench-matrix-*.png.
//!
//! Missed targets print FAIL; they fail the test only with `BENCH_STRICT=1` (bench/matrix.sh
//! turns them into its exit status instead). Also: `BENCH_MATRIX_QUERY` (page parameters,
//! e.g. `accounts=300&principals=50&steps=40`), `BENCH_WEBKIT_RENDERER=default` (WebKitGTK's
//! DMA-BUF renderer instead of the shared-memory one, see below), `BENCH_MATRIX_EXTRA_CSS`
//! (CSS added before scrolling, for investigating).

use std::time::{Duration, Instant};

use gatehouse_tests::{artifacts_dir, gatehouse_bin, workspace_root, GuiApp};
use serde_json::{json, Value};

async fn bench_state(app: &GuiApp) -> Value {
    app.client
        .execute("return window.__gatehouseBench ?? null;", vec![])
        .await
        .unwrap_or(Value::Null)
}

/// Polls the page's state until `stop` accepts it (slowly: each poll runs a script in the page).
async fn wait_state(
    app: &GuiApp,
    what: &str,
    timeout: Duration,
    stop: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + timeout;
    loop {
        let state = bench_state(app).await;
        if stop(&state) || state["done"] == true {
            return state;
        }
        if Instant::now() > deadline {
            app.screenshot("bench-matrix-timeout").await;
            panic!("the matrix benchmark did not reach {what} in {timeout:?}; last state {state}");
        }
        tokio::time::sleep(Duration::from_millis(1000)).await;
    }
}

fn ms(v: &Value) -> String {
    v.as_f64().map_or_else(|| "-".into(), |x| format!("{x:.1}"))
}

fn verdict(pass: bool) -> &'static str {
    if pass {
        "PASS"
    } else {
        "FAIL"
    }
}

fn read_to_string(path: &str) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .map(|s| s.trim().to_owned())
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::INFINITY)
}

/// Busy and total jiffies of all CPUs (/proc/stat).
fn cpu_times() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let nums: Vec<u64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    let total: u64 = nums.iter().sum();
    let idle = nums.get(3)? + nums.get(4).unwrap_or(&0);
    Some((total - idle, total))
}

/// How busy the whole machine was since `before` (0..1, all CPUs): the bench's own processes
/// and anything else running.
fn busy_since(before: Option<(u64, u64)>) -> Option<f64> {
    let (b0, t0) = before?;
    let (b1, t1) = cpu_times()?;
    (t1 > t0).then(|| ((b1 - b0) as f64 / (t1 - t0) as f64 * 100.0).round() / 100.0)
}

fn round_line(r: &Value) -> String {
    let a = &r["scroll"]["all"];
    format!(
        "round {}: first render {} ms (again after scrolling {}), scrolling median {} / p95 {} / max {} ms, {} of {} frames over 50 ms; machine busy {}",
        r["round"],
        ms(&r["firstRender"]["paintedMs"]),
        ms(&r["warmRender"]["paintedMs"]),
        ms(&a["medianMs"]),
        ms(&a["p95Ms"]),
        ms(&a["maxMs"]),
        a["over"],
        a["frames"],
        r["machineBusy"]
            .as_f64()
            .map_or_else(|| "?".into(), |b| format!("{:.0}%", b * 100.0))
    )
}

/// The judged numbers: the first render of `r`, the scrolling of `sr` (the best rounds).
fn table(r: &Value, sr: &Value) -> String {
    let d = &r["data"];
    let f = &r["firstRender"];
    let s = &sr["scroll"];
    let mut out = vec![
        format!(
            "Matrix benchmark in the webview ({}): {} accounts ({} rows with the OU headers) × {} principals, {} permission sets, {} assignments",
            r["env"]["userAgent"].as_str().unwrap_or("?"),
            d["accounts"], d["rows"], d["columns"], r["size"]["permissionSets"], d["assignments"]
        ),
        format!(
            "grid viewport {}×{} px of {}×{} px; DOM after first render: {} nodes, {} cells, {} chips",
            r["env"]["grid"]["clientWidth"],
            r["env"]["grid"]["clientHeight"],
            r["env"]["grid"]["scrollWidth"],
            r["env"]["grid"]["scrollHeight"],
            f["domAtFirstFrame"]["nodes"],
            f["domAtFirstFrame"]["cells"],
            f["domAtFirstFrame"]["chips"],
        ),
        String::new(),
        format!(
            "{:44}{:>10}{:>10}  result (round {})",
            "first render (root.render → …)", "ms", "target", r["round"]
        ),
        format!(
            "{:44}{:>10}{:>10}  {}",
            "  … first frame painted (judged)",
            ms(&f["paintedMs"]),
            format!("<= {}", f["limitMs"]),
            verdict(f["pass"] == true)
        ),
        format!(
            "{:44}{:>10}",
            "  … React calls the page", ms(&f["pageRenderStartMs"])
        ),
        format!(
            "{:44}{:>10}",
            "  … index and rows built (page memos)",
            ms(&f["workspaceRenderStartMs"])
        ),
        format!(
            "{:44}{:>10}",
            "  … toolbar and legend rendered",
            ms(&f["matrixRenderStartMs"])
        ),
        format!(
            "{:44}{:>10}",
            format!("  … React commit ({} commits)", f["reactCommits"]),
            ms(&f["commitMs"])
        ),
        format!("{:44}{:>10}", "  … first animation frame", ms(&f["frameMs"])),
        format!(
            "{:44}{:>10}",
            "  of which index + rows (page memos)",
            ms(&f["dataMs"])
        ),
    ];
    if let Some(memos) = f["memoMs"].as_object() {
        for (k, v) in memos {
            out.push(format!("{:44}{:>10}", format!("    {k}"), ms(v)));
        }
    }
    out.push(format!(
        "{:44}{:>10}",
        "(not timed: snapshot JSON parse, as from IPC)",
        ms(&r["prepare"]["jsonParseMs"])
    ));
    let w = &r["warmRender"];
    out.push(format!(
        "{:44}{:>10}   (commit {}, memos {}; informational)",
        "mounted again after scrolling",
        ms(&w["paintedMs"]),
        ms(&w["commitMs"]),
        ms(&w["dataMs"])
    ));
    out.push(String::new());
    out.push(format!(
        "{:16}{:>13}{:>7}{:>8}{:>7}{:>7}{:>7}{:>5} |{:>6}{:>7}{:>6}{:>8}  result (round {})",
        "scrolling",
        "px/step",
        "frames",
        "median",
        "p95",
        "max",
        "mean",
        ">50",
        "js",
        "paint",
        "rest",
        "commits",
        sr["round"]
    ));
    let row = |name: &str, p: &Value, step: String| {
        let b = &p["breakdown"];
        format!(
            "{:16}{:>13}{:>7}{:>8}{:>7}{:>7}{:>7}{:>5} |{:>6}{:>7}{:>6}{:>8}",
            name,
            step,
            p["frames"].to_string(),
            ms(&p["medianMs"]),
            ms(&p["p95Ms"]),
            ms(&p["maxMs"]),
            ms(&p["meanMs"]),
            p["over"].to_string(),
            ms(&b["scrollJs"]),
            ms(&b["render"]),
            ms(&b["rest"]),
            b["commits"]
                .as_f64()
                .map_or_else(|| "-".into(), |x| format!("{x}"))
        )
    };
    out.push(row("  (idle)", &s["idle"], "no scroll".into()));
    for p in s["phases"].as_array().into_iter().flatten() {
        let step = format!("{}↓ {}→", p["stepPx"][0], p["stepPx"][1]);
        out.push(row(
            &format!("  {}", p["name"].as_str().unwrap_or("?")),
            p,
            step,
        ));
    }
    out.push(format!(
        "{}  {} (no frame over {} ms)",
        row("  all scrolling", &s["all"], String::new()),
        verdict(s["pass"] == true),
        s["limitMs"]
    ));
    out.push(
        "  (1 step per animation frame; js = scroll event → frame callback (virtualiser + React), \
         paint = that frame's style/layout/paint on the main thread, rest = the remainder, commits = React commits per frame; medians)"
            .into(),
    );
    let lt = &r["longtasks"];
    out.push(if lt["supported"] == true {
        format!(
            "long tasks (PerformanceObserver): {}",
            lt["entries"].as_array().map_or(0, Vec::len)
        )
    } else {
        "long tasks: not supported by this WebKit (frame intervals only)".into()
    });
    out.join("\n")
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "benchmark: bench/matrix.sh (make bench)"]
async fn matrix_renders_and_scrolls_within_targets_in_the_webview() {
    let strict = std::env::var("BENCH_STRICT").is_ok_and(|v| v == "1");
    let query = std::env::var("BENCH_MATRIX_QUERY").unwrap_or_default();
    let load_before = read_to_string("/proc/loadavg");

    // WebKitGTK's default DMA-BUF renderer has no GPU on a headless machine (Xvfb): it then
    // composites every frame in software GL, ~50 ms a frame with the page idle, which says
    // nothing about the matrix. The shared-memory renderer (what many Tauri apps ship on
    // Linux) is measured instead; BENCH_WEBKIT_RENDERER=default measures the default one.
    let renderer = std::env::var("BENCH_WEBKIT_RENDERER").unwrap_or_default();
    let webkit_env: Vec<(&str, &str)> = if renderer == "default" {
        vec![]
    } else {
        vec![("WEBKIT_DISABLE_DMABUF_RENDERER", "1")]
    };
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(3);
    let extra_css = std::env::var("BENCH_MATRIX_EXTRA_CSS").ok();

    let app = GuiApp::launch(&[], &webkit_env).await;
    // The app's own page first: its URL gives the origin the embedded assets are served from.
    app.wait_for("nav-assignments", Duration::from_secs(60))
        .await;
    let main = app.client.current_url().await.expect("the app's URL");
    let mut bench = main
        .join("/bench/matrix.html")
        .expect("the bench page's URL");
    bench.set_query(Some(&format!(
        "hold=1{}{query}",
        if query.is_empty() { "" } else { "&" }
    )));
    eprintln!("bench: the app is at {main}; opening {bench} {runs} times");

    // Rounds: the page loaded afresh each time (a new document: cold JavaScript, a new heap).
    let mut rounds = Vec::new();
    let mut screenshots = Vec::new();
    for round in 1..=runs {
        let cpu_before = cpu_times();
        app.client
            .goto(bench.as_str())
            .await
            .expect("open the bench page");
        let rendered = wait_state(&app, "the first render", Duration::from_secs(120), |s| {
            s["stage"] == "rendered"
        })
        .await;
        if let Some(e) = rendered["error"].as_str() {
            app.screenshot("bench-matrix-error").await;
            panic!("the bench page failed: {e}");
        }
        if round == 1 {
            screenshots.push(app.screenshot("bench-matrix-first-render").await);
        }
        // For investigating where frame time goes: extra CSS on the matrix before scrolling.
        if let Some(css) = &extra_css {
            app.client
                .execute(
                    "const s = document.createElement('style'); s.textContent = arguments[0]; document.head.append(s);",
                    vec![css.as_str().into()],
                )
                .await
                .expect("add the extra CSS");
        }
        app.client
            .execute("window.__gatehouseBenchContinue?.();", vec![])
            .await
            .expect("start scrolling");
        let mut r = wait_state(&app, "the end", Duration::from_secs(600), |_| false).await;
        if let Some(e) = r["error"].as_str() {
            app.screenshot("bench-matrix-error").await;
            panic!("the bench page failed: {e}");
        }
        r["round"] = json!(round);
        r["machineBusy"] = json!(busy_since(cpu_before));
        r["loadavg"] = json!(read_to_string("/proc/loadavg"));
        eprintln!("{}", round_line(&r));
        rounds.push(r);
    }
    screenshots.push(app.screenshot("bench-matrix-scrolled").await);
    app.close().await;

    // Judged as part 1 judges wall time: the best round (this machine is shared, and a frame
    // another process took says nothing about the matrix). Every round is in the JSON.
    let best_first = rounds
        .iter()
        .min_by(|a, b| {
            f(&a["firstRender"]["paintedMs"]).total_cmp(&f(&b["firstRender"]["paintedMs"]))
        })
        .expect("a round")
        .clone();
    let best_scroll = rounds
        .iter()
        .min_by(|a, b| {
            let key = |r: &Value| {
                (
                    f(&r["scroll"]["all"]["over"]),
                    f(&r["scroll"]["all"]["maxMs"]),
                )
            };
            key(a).partial_cmp(&key(b)).expect("numbers")
        })
        .expect("a round")
        .clone();
    let first_pass = best_first["firstRender"]["pass"] == true;
    let scroll_pass = best_scroll["scroll"]["pass"] == true;
    let result = json!({
        "benchmark": "assignments matrix in the webview (issue #6, item 6, part 2)",
        "targets": { "first_render_ms": 300, "max_frame_ms": 50 },
        "method": {
            "rounds": runs,
            "judged": "first render: the best (smallest) round's; scrolling: the round with the fewest frames over 50 ms (then the smallest max)",
            "first_render": "root.render() to the end of the first frame after the commit (rAF, then a posted message), index and rows built inside; ui/src/bench/matrixBench.tsx",
            "scrolling": "the grid's scroller moved one step per animation frame: vertical, horizontal and diagonal through the whole matrix in `steps` steps each, then a fast wheel; every interval between consecutive rAF timestamps",
        },
        "pass": { "first_render": first_pass, "scrolling": scroll_pass },
        "judged": { "first_render_round": best_first["round"], "scrolling_round": best_scroll["round"] },
        "machine": {
            "cpus": std::thread::available_parallelism().map(|n| n.get()).ok(),
            "loadavg_before": load_before,
            "loadavg_after": read_to_string("/proc/loadavg"),
            "gatehouse_bin": gatehouse_bin(),
            "page": bench.as_str(),
            "webkit_env": webkit_env.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>(),
            "extra_css": extra_css,
        },
        "screenshots": screenshots,
        "rounds": rounds,
    });
    let dir = workspace_root().join("target/bench");
    std::fs::create_dir_all(&dir).expect("target/bench");
    let out = dir.join("matrix.json");
    std::fs::write(
        &out,
        serde_json::to_string_pretty(&result).expect("json") + "\n",
    )
    .expect("write matrix.json");

    println!("\n{}", table(&best_first, &best_scroll));
    println!("\nRounds (the page loaded afresh each time; judged: the best, as part 1 does):");
    for r in result["rounds"].as_array().into_iter().flatten() {
        println!("  {}", round_line(r));
    }
    println!(
        "\nwebview renderer: {}",
        if webkit_env.is_empty() {
            "WebKitGTK default (DMA-BUF)"
        } else {
            "shared memory (WEBKIT_DISABLE_DMABUF_RENDERER=1)"
        }
    );
    println!(
        "load average before/after: {} / {}",
        result["machine"]["loadavg_before"].as_str().unwrap_or("?"),
        result["machine"]["loadavg_after"].as_str().unwrap_or("?")
    );
    println!(
        "Wrote {}; screenshots in {}",
        out.display(),
        artifacts_dir().display()
    );
    println!(
        "MATRIX BENCH: first render {}, scrolling {}",
        verdict(first_pass),
        verdict(scroll_pass)
    );
    if strict {
        assert!(
            first_pass && scroll_pass,
            "matrix benchmark targets missed (BENCH_STRICT=1)"
        );
    }
}
