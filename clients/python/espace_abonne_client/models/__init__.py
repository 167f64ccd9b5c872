"""Contains all the data models used in inputs/outputs"""

from .acceptance_in import AcceptanceIn
from .acceptance_trust_in import AcceptanceTrustIn
from .acceptance_trust_in_question import AcceptanceTrustInQuestion
from .activation_in import ActivationIn
from .activation_out import ActivationOut
from .activity_item_out import ActivityItemOut
from .activity_item_out_security_event_type import ActivityItemOutSecurityEventType
from .adhesion_code_in import AdhesionCodeIn
from .adhesion_in import AdhesionIn
from .adhesion_out import AdhesionOut
from .adhesion_status import AdhesionStatus
from .challenge_in import ChallengeIn
from .challenge_out import ChallengeOut
from .challenge_resend_in import ChallengeResendIn
from .choice_out import ChoiceOut
from .civility import Civility
from .company_in import CompanyIn
from .company_out import CompanyOut
from .confirm_out import ConfirmOut
from .contact_change_in import ContactChangeIn
from .contact_change_in_country import ContactChangeInCountry
from .contact_change_in_street_type import ContactChangeInStreetType
from .contact_in import ContactIn
from .contact_in_country import ContactInCountry
from .contact_in_street_type import ContactInStreetType
from .contact_out import ContactOut
from .delivery_out import DeliveryOut
from .delivery_status import DeliveryStatus
from .details_in import DetailsIn
from .details_in_civility import DetailsInCivility
from .device_item_out import DeviceItemOut
from .email_change_code_in import EmailChangeCodeIn
from .email_change_in import EmailChangeIn
from .email_change_out import EmailChangeOut
from .email_delivery import EmailDelivery
from .enrollment_created_out import EnrollmentCreatedOut
from .enrollment_out import EnrollmentOut
from .enrollment_start_in import EnrollmentStartIn
from .enrollment_status import EnrollmentStatus
from .event_type import EventType
from .field_problem import FieldProblem
from .healthz_response_healthz import HealthzResponseHealthz
from .invitation_company_in import InvitationCompanyIn
from .invitation_contact_in import InvitationContactIn
from .invitation_contact_in_country import InvitationContactInCountry
from .invitation_contact_in_street_type import InvitationContactInStreetType
from .invitation_created_out import InvitationCreatedOut
from .invitation_in import InvitationIn
from .invitation_in_civility import InvitationInCivility
from .invitation_out import InvitationOut
from .invitation_status import InvitationStatus
from .method import Method
from .password_change_in import PasswordChangeIn
from .password_reset_in import PasswordResetIn
from .password_reset_request_in import PasswordResetRequestIn
from .problem import Problem
from .problem_code import ProblemCode
from .profile_out import ProfileOut
from .recovery_codes_out import RecoveryCodesOut
from .request_reset_response_request_reset import RequestResetResponseRequestReset
from .resend_code_response_resend_code import ResendCodeResponseResendCode
from .resend_in import ResendIn
from .secrets_in import SecretsIn
from .session_in import SessionIn
from .session_item_out import SessionItemOut
from .session_out import SessionOut
from .totp_confirm_in import TotpConfirmIn
from .totp_disable_in import TotpDisableIn
from .totp_enrolment_out import TotpEnrolmentOut
from .trust_in import TrustIn
from .trust_in_question import TrustInQuestion
from .trust_out import TrustOut
from .webhook_endpoint_created_out import WebhookEndpointCreatedOut
from .webhook_endpoint_in import WebhookEndpointIn
from .webhook_endpoint_out import WebhookEndpointOut

__all__ = (
    "AcceptanceIn",
    "AcceptanceTrustIn",
    "AcceptanceTrustInQuestion",
    "ActivationIn",
    "ActivationOut",
    "ActivityItemOut",
    "ActivityItemOutSecurityEventType",
    "AdhesionCodeIn",
    "AdhesionIn",
    "AdhesionOut",
    "AdhesionStatus",
    "ChallengeIn",
    "ChallengeOut",
    "ChallengeResendIn",
    "ChoiceOut",
    "Civility",
    "CompanyIn",
    "CompanyOut",
    "ConfirmOut",
    "ContactChangeIn",
    "ContactChangeInCountry",
    "ContactChangeInStreetType",
    "ContactIn",
    "ContactInCountry",
    "ContactInStreetType",
    "ContactOut",
    "DeliveryOut",
    "DeliveryStatus",
    "DetailsIn",
    "DetailsInCivility",
    "DeviceItemOut",
    "EmailChangeCodeIn",
    "EmailChangeIn",
    "EmailChangeOut",
    "EmailDelivery",
    "EnrollmentCreatedOut",
    "EnrollmentOut",
    "EnrollmentStartIn",
    "EnrollmentStatus",
    "EventType",
    "FieldProblem",
    "HealthzResponseHealthz",
    "InvitationCompanyIn",
    "InvitationContactIn",
    "InvitationContactInCountry",
    "InvitationContactInStreetType",
    "InvitationCreatedOut",
    "InvitationIn",
    "InvitationInCivility",
    "InvitationOut",
    "InvitationStatus",
    "Method",
    "PasswordChangeIn",
    "PasswordResetIn",
    "PasswordResetRequestIn",
    "Problem",
    "ProblemCode",
    "ProfileOut",
    "RecoveryCodesOut",
    "RequestResetResponseRequestReset",
    "ResendCodeResponseResendCode",
    "ResendIn",
    "SecretsIn",
    "SessionIn",
    "SessionItemOut",
    "SessionOut",
    "TotpConfirmIn",
    "TotpDisableIn",
    "TotpEnrolmentOut",
    "TrustIn",
    "TrustInQuestion",
    "TrustOut",
    "WebhookEndpointCreatedOut",
    "WebhookEndpointIn",
    "WebhookEndpointOut",
)
