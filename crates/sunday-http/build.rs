//! Rebuilds when the built web app changes, so a release binary embeds the app as it is now
//! (Vite renames its hashed files on every build, which the embed alone would not notice).
fn main() {
    let dist = std::path::Path::new("../../web/dist");
    if dist.is_dir() {
        println!("cargo:rerun-if-changed=../../web/dist");
    } else {
        // Not built yet: watch the folder it will appear in.
        println!("cargo:rerun-if-changed=../../web");
    }
}
