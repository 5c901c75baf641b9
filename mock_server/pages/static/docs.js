// Swagger UI over both specs, from files this sandbox serves; `?spec=sandbox` opens the second.
"use strict";

window.addEventListener("load", () => {
  const node = document.getElementById("swagger-ui");
  const urls = JSON.parse(node.dataset.specs);
  const wanted = new URLSearchParams(window.location.search).get("spec");
  const primary = wanted === "sandbox" ? urls[1] : urls[0];
  const specPaths = new Set(urls.map((spec) => spec.url));
  // The specs list `serve`'s default address; "Try it out" should reach the sandbox that
  // serves this page, wherever it listens, so its origin goes first in each spec's servers.
  const thisSandbox = (res) => {
    if (!res.ok || !specPaths.has(new URL(res.url, window.location.href).pathname)) {
      return res;
    }
    const spec = JSON.parse(res.text);
    const others = (spec.servers || []).filter((s) => s.url !== window.location.origin);
    spec.servers = [{ url: window.location.origin, description: "this sandbox" }, ...others];
    res.text = JSON.stringify(spec);
    res.body = spec;
    return res;
  };
  window.ui = window.SwaggerUIBundle({
    urls,
    "urls.primaryName": primary.name,
    dom_id: "#swagger-ui",
    presets: [window.SwaggerUIBundle.presets.apis, window.SwaggerUIStandalonePreset],
    layout: "StandaloneLayout",
    deepLinking: true,
    validatorUrl: null, // the default badge would call a server on the internet
    responseInterceptor: thisSandbox,
  });
});
