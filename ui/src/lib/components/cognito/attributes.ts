// Cognito user attributes (`given_name`, `custom:team`) as form fields: a label for the
// person and what the browser may fill in.
import type { FullAutoFill } from "svelte/elements";

const LABELS: Record<string, string> = {
  name: "Full name",
  email: "Email",
  phone_number: "Phone number",
  birthdate: "Date of birth",
  preferred_username: "Preferred username",
};

/** A label for a Cognito user attribute (`given_name` → "Given name"). */
export function attributeLabel(name: string): string {
  if (LABELS[name]) return LABELS[name];
  const words = name.replace(/^custom:/, "").replace(/[_.:-]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const AUTOCOMPLETE: Record<string, FullAutoFill> = {
  name: "name",
  given_name: "given-name",
  family_name: "family-name",
  middle_name: "additional-name",
  nickname: "nickname",
  email: "email",
  phone_number: "tel",
  birthdate: "bday",
  address: "street-address",
  preferred_username: "username",
};

/** What the browser may fill in for a Cognito user attribute. */
export function attributeAutocomplete(name: string): FullAutoFill {
  return AUTOCOMPLETE[name] ?? "off";
}

/** The input type for a Cognito user attribute. */
export function attributeType(name: string): "email" | "tel" | "text" {
  return name === "email" ? "email" : name === "phone_number" ? "tel" : "text";
}
