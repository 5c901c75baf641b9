// Swagger UI over both specs, from files this sandbox serves; `?spec=sandbox` opens the second.
"use strict";

window.addEventListener("load", () => {
  const node = document.getElementById("swagger-ui");
  const urls = JSON.parse(node.dataset.specs);
  const wanted = new URLSearchParams(window.location.search).get("spec");
  const primary = wanted === "sandbox" ? urls[1] : urls[0];
  window.ui = window.SwaggerUIBundle({
    urls,
    "urls.primaryName": primary.name,
    dom_id: "#swagger-ui",
    presets: [window.SwaggerUIBundle.presets.apis, window.SwaggerUIStandalonePreset],
    layout: "StandaloneLayout",
    deepLinking: true,
    validatorUrl: null, // the default badge would call a server on the internet
  });
});
