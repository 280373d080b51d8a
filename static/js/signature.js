/* Aftersales signature pad: draw with a finger, pen or mouse on a <canvas data-signature-pad>.
 *
 * Markup: <div data-signature>  <canvas data-signature-pad></canvas>
 *           <button type="button" data-signature-clear>…</button>
 *           <input type="hidden" name="signature" data-signature-input>  </div>
 * On submit of the enclosing form the drawing goes into the hidden input as a PNG data URL
 * (empty when nothing was drawn, so the server says "sign in the box").
 */
(function () {
  "use strict";

  function setup(box) {
    var canvas = box.querySelector("[data-signature-pad]");
    var input = box.querySelector("[data-signature-input]");
    if (!canvas || !input || canvas.dataset.ready) return;
    canvas.dataset.ready = "1";
    var ctx = canvas.getContext("2d");
    var drawing = false, drawn = false, last = null;

    function resize() {
      var ratio = Math.max(window.devicePixelRatio || 1, 1);
      var width = canvas.clientWidth || 300, height = canvas.clientHeight || 150;
      var keep = drawn ? canvas.toDataURL("image/png") : null;
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#1a1a1a";
      if (keep) {
        var img = new Image();
        img.onload = function () { ctx.drawImage(img, 0, 0, width, height); };
        img.src = keep;
      }
    }

    function point(event) {
      var rect = canvas.getBoundingClientRect();
      return {x: event.clientX - rect.left, y: event.clientY - rect.top};
    }

    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      drawing = true;
      last = point(event);
      canvas.setPointerCapture && canvas.setPointerCapture(event.pointerId);
      ctx.beginPath(); ctx.arc(last.x, last.y, 1.2, 0, Math.PI * 2); ctx.fillStyle = "#1a1a1a"; ctx.fill();
      drawn = true;
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      event.preventDefault();
      var p = point(event);
      ctx.beginPath(); ctx.moveTo(last.x, last.y); ctx.lineTo(p.x, p.y); ctx.stroke();
      last = p;
      drawn = true;
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
      canvas.addEventListener(name, function () { drawing = false; sync(); });
    });

    function sync() { input.value = drawn ? canvas.toDataURL("image/png") : ""; }

    var clear = box.querySelector("[data-signature-clear]");
    if (clear) clear.addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      drawn = false; sync();
    });
    var form = canvas.closest("form");
    if (form) form.addEventListener("submit", sync);
    window.addEventListener("resize", resize);
    resize();
  }

  function init(root) {
    (root || document).querySelectorAll("[data-signature]").forEach(setup);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (event) { init(event.target); });
  window.AftersalesSignature = {init: init};
})();
