// The public portal: a click on the check picture asks for a new one.
document.addEventListener("click", (event) => {
  const image = event.target.closest("img.captcha-image");
  if (!image) return;
  image.src = image.dataset.src + "?" + Date.now();
});
