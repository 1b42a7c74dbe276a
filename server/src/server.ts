// The language server entry (filled in by the editor work).
export {};
